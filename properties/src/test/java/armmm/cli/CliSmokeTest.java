package armmm.cli;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class CliSmokeTest {
    @Test
    void anUnknownCommandIsBadUsage() {
        assertThat(Main.execute("bogus")).isEqualTo(Main.BAD_INPUT);
    }
}
