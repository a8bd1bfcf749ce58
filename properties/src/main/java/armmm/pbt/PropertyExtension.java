package armmm.pbt;

import java.util.Map;
import org.junit.jupiter.api.extension.ExtensionContext;
import org.junit.jupiter.api.extension.ParameterContext;
import org.junit.jupiter.api.extension.ParameterResolver;

/**
 * Supplies a {@link PropertyRunner} to test methods that declare one. The runner is made per test
 * from the extension context (no static state), so it behaves the same under Surefire, IDEs and PIT.
 */
public final class PropertyExtension implements ParameterResolver {
    @Override
    public boolean supportsParameter(ParameterContext parameter, ExtensionContext context) {
        return parameter.getParameter().getType() == PropertyRunner.class;
    }

    @Override
    public Object resolveParameter(ParameterContext parameter, ExtensionContext context) {
        return new PropertyRunner(context.getRequiredTestClass().getSimpleName(),
                context.getRequiredTestMethod().getName(),
                (key, value) -> context.publishReportEntry(Map.of(key, value)));
    }
}
