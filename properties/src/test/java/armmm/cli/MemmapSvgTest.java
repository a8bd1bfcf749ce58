package armmm.cli;

import static org.assertj.core.api.Assertions.assertThat;

import armmm.model.board.Board;
import armmm.model.boot.BootedSystem;
import armmm.model.kernel.Kernel;
import armmm.model.layout.Layout;
import armmm.model.memblock.Region;
import armmm.model.zone.ZoneConfig;
import java.awt.image.BufferedImage;
import java.io.ByteArrayInputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import javax.imageio.ImageIO;
import javax.xml.parsers.DocumentBuilderFactory;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.w3c.dom.Document;
import org.w3c.dom.Element;
import org.w3c.dom.NodeList;

/**
 * {@code armmm boot --print memmap-svg}: the SVG is well-formed XML whose rectangles are the
 * booted kernel's memblock arrays, zones, CMA areas and virtual areas, in address order; and,
 * where Debian's Chromium is installed, a headless browser draws it with those colours where the
 * rectangles say.
 */
class MemmapSvgTest {
    private static final Path CHROMIUM = Path.of("/usr/bin/chromium");
    private static final String[] BOARD = {"--ram", "2048M", "--reserve", "0x60000000:64M:reusable", "--cpus", "2"};

    private static String svg() {
        List<String> args = new ArrayList<>(List.of("boot"));
        args.addAll(List.of(BOARD));
        args.addAll(List.of("--print", "memmap-svg"));
        Cli.Run r = Cli.run(args.toArray(String[]::new));
        assertThat(r.exit()).as(r.err()).isZero();
        return r.out();
    }

    private static Kernel kernel() {
        return Kernel.boot(Board.fromOptions("2048M", List.of(), List.of("0x60000000:64M:reusable"), "", 2));
    }

    private static Document parse(String xml) throws Exception {
        DocumentBuilderFactory f = DocumentBuilderFactory.newInstance();
        f.setNamespaceAware(true);
        return f.newDocumentBuilder().parse(new ByteArrayInputStream(xml.getBytes(StandardCharsets.UTF_8)));
    }

    private static List<Element> rects(Document d, String cls) {
        List<Element> out = new ArrayList<>();
        NodeList all = d.getElementsByTagNameNS("http://www.w3.org/2000/svg", "rect");
        for (int i = 0; i < all.getLength(); i++) {
            Element e = (Element) all.item(i);
            if (List.of(e.getAttribute("class").split(" ")).contains(cls)) {
                out.add(e);
            }
        }
        return out;
    }

    private static long start(Element e) {
        return Long.decode(e.getAttribute("data-start"));
    }

    private static long end(Element e) {
        return Long.decode(e.getAttribute("data-end"));
    }

    private static double y(Element e) {
        return Double.parseDouble(e.getAttribute("y"));
    }

    @Test
    void theSvgIsWellFormedAndDrawsTheBootedKernelsMemblockZonesAndCma() throws Exception {
        Document d = parse(svg());
        BootedSystem b = kernel().booted().orElseThrow();
        assertThat(d.getDocumentElement().getLocalName()).isEqualTo("svg");
        NodeList groups = d.getElementsByTagNameNS("http://www.w3.org/2000/svg", "g");
        assertThat(List.of(((Element) groups.item(0)).getAttribute("id"), ((Element) groups.item(1)).getAttribute("id")))
                .containsExactly("physical", "virtual");

        List<Element> memory = rects(d, "memory");
        assertThat(memory).extracting(e -> new long[] {start(e), end(e)})
                .containsExactlyElementsOf(b.memory().stream().map(r -> new long[] {r.base(), r.end()}).toList());
        List<Element> reserved = rects(d, "reserved");
        assertThat(reserved).hasSize(b.reserved().size());
        for (int i = 0; i < reserved.size(); i++) {
            Region r = b.reserved().get(i);
            assertThat(start(reserved.get(i))).isEqualTo(r.base());
            assertThat(end(reserved.get(i))).isEqualTo(r.end());
        }

        List<ZoneConfig> zones = kernel().zones().orElseThrow().zones().stream().filter(z -> !z.isEmpty()).toList();
        List<Element> zr = rects(d, "zone");
        assertThat(zr).hasSize(zones.size()).hasSizeGreaterThanOrEqualTo(2);
        for (int i = 0; i < zr.size(); i++) {
            assertThat(start(zr.get(i))).isEqualTo(zones.get(i).startPfn() * Layout.PAGE_SIZE);
            assertThat(end(zr.get(i))).isEqualTo(zones.get(i).endPfn() * Layout.PAGE_SIZE);
            if (i > 0) {
                assertThat(start(zr.get(i))).as("zones in kernel order, adjacent").isEqualTo(end(zr.get(i - 1)));
                assertThat(y(zr.get(i))).isGreaterThan(y(zr.get(i - 1)));
            }
        }
        assertThat(rects(d, "cma")).extracting(MemmapSvgTest::start).containsExactlyInAnyOrder(0x60000000L, 0xbf000000L);

        NodeList lines = d.getElementsByTagNameNS("http://www.w3.org/2000/svg", "line");
        boolean split = false;
        for (int i = 0; i < lines.getLength(); i++) {
            Element l = (Element) lines.item(i);
            if (l.getAttribute("class").equals("lowmem-split")) {
                split = true;
                assertThat(Long.decode(l.getAttribute("data-at"))).isEqualTo(b.lowmemLimit()).isEqualTo(0x70000000L);
                assertThat(Double.parseDouble(l.getAttribute("y1"))).as("between DMA's rectangle and HighMem's")
                        .isEqualTo(y(zr.get(zr.size() - 1)));
            }
        }
        assertThat(split).isTrue();
    }

    @Test
    void theVirtualLayoutIsDrawnInAddressOrderWithEveryAreaVisible() throws Exception {
        Document d = parse(svg());
        Layout l = kernel().booted().orElseThrow().layout();
        List<Element> areas = rects(d, "varea");
        assertThat(areas).extracting(e -> e.getAttribute("class"))
                .containsExactly("varea modules", "varea pkmap", "varea lowmem", "varea vmalloc", "varea fixmap", "varea vectors");
        assertThat(start(areas.get(2))).isEqualTo(l.pageOffset());
        assertThat(end(areas.get(2))).isEqualTo(l.highMemory());
        assertThat(start(areas.get(3))).isEqualTo(l.vmallocStart());
        for (int i = 0; i < areas.size(); i++) {
            Element a = areas.get(i);
            assertThat(Double.parseDouble(a.getAttribute("height"))).as(a.getAttribute("class")).isGreaterThanOrEqualTo(3);
            if (i > 0) {
                assertThat(start(a)).isGreaterThanOrEqualTo(end(areas.get(i - 1)));
                assertThat(y(a)).isGreaterThanOrEqualTo(y(areas.get(i - 1)) + Double.parseDouble(areas.get(i - 1).getAttribute("height")) - 0.05);
            }
        }
        List<Element> vmap = rects(d, "vmap-area");
        assertThat(vmap).as("boot's own areas: IRQ stacks, the PCI I/O window").hasSizeGreaterThanOrEqualTo(2);
        for (Element v : vmap) {
            boolean inVmalloc = start(v) >= l.vmallocStart() && end(v) <= l.vmallocEnd();
            boolean inLowmem = start(v) >= l.pageOffset() && end(v) <= l.highMemory();
            assertThat(inVmalloc || inLowmem).as(v.getTextContent()).isTrue();
        }
    }

    @Test
    void namesAreEscapedForXml() {
        assertThat(MemmapSvg.esc("a<b>&\"c\u0001")).isEqualTo("a&lt;b&gt;&amp;&quot;c ");
    }

    @Test
    void anUnknownPrintNameStillListsTheReports() {
        Cli.Run r = Cli.run("boot", "--ram", "256M", "--print", "memmap-png");
        assertThat(r.exit()).isEqualTo(Main.BAD_INPUT);
        assertThat(r.err()).contains("unknown report 'memmap-png'").doesNotContain("Exception");
    }

    /** Headless Chromium draws the picture: the colours sit where the rectangles say. */
    @Test
    void headlessChromiumRendersTheMapWithEachAreaWhereItsRectangleIs(@TempDir Path dir) throws Exception {
        boolean present = Files.isExecutable(CHROMIUM);
        if (!present) {
            System.out.println("[armmm] MemmapSvgTest: " + CHROMIUM + " absent (apt-get install -y chromium): browser check skipped");
        }
        Assumptions.assumeTrue(present, CHROMIUM + " is not installed");
        String xml = svg();
        Document d = parse(xml);
        Path file = dir.resolve("memmap.svg");
        Files.writeString(file, xml);
        Path png = dir.resolve("memmap.png");
        int w = (int) Double.parseDouble(d.getDocumentElement().getAttribute("width"));
        int h = (int) Double.parseDouble(d.getDocumentElement().getAttribute("height"));
        Process p = new ProcessBuilder(CHROMIUM.toString(), "--headless", "--no-sandbox", "--disable-gpu", "--disable-quic",
                "--no-first-run", "--disable-background-networking", "--disable-component-update", "--disable-sync",
                "--hide-scrollbars", "--force-device-scale-factor=1", "--user-data-dir=" + dir.resolve("profile"),
                "--window-size=" + w + "," + h, "--screenshot=" + png, file.toUri().toString())
                .redirectErrorStream(true).redirectOutput(dir.resolve("chromium.log").toFile()).start();
        if (!p.waitFor(120, TimeUnit.SECONDS)) {
            p.destroyForcibly();
            Assumptions.abort("chromium did not finish; its log: " + Files.readString(dir.resolve("chromium.log")));
        }
        assertThat(png).as(Files.readString(dir.resolve("chromium.log"))).exists();
        BufferedImage img = ImageIO.read(png.toFile());
        assertThat(img.getWidth()).isEqualTo(w);
        assertThat(img.getHeight()).isEqualTo(h);
        assertDrawn(img, rects(d, "memory").get(0), 0xcfe8cf);
        assertDrawn(img, rects(d, "varea").get(3), 0xfff59d);
        assertDrawn(img, rects(d, "varea").get(0), 0xb39ddb);
        Element highmem = rects(d, "zone").get(rects(d, "zone").size() - 1);
        assertDrawn(img, highmem, 0x64b5f6);
        Element cma = rects(d, "cma").stream().filter(e -> start(e) == 0x60000000L).findFirst().orElseThrow();
        assertDrawn(img, cma, 0xffb74d);
        // the background stays white where nothing is drawn: below the last tick, right of the labels
        assertThat(img.getRGB(w - 5, h - 5) & 0xffffff).isEqualTo(0xffffff);
    }

    private static void assertDrawn(BufferedImage img, Element rect, int rgb) {
        int x = (int) (Double.parseDouble(rect.getAttribute("x")) + Double.parseDouble(rect.getAttribute("width")) / 2);
        int y = (int) (y(rect) + Double.parseDouble(rect.getAttribute("height")) / 2);
        int found = img.getRGB(x, y) & 0xffffff;
        for (int shift : new int[] {0, 8, 16}) {
            assertThat(Math.abs(((found >> shift) & 0xff) - ((rgb >> shift) & 0xff)))
                    .as("%s at (%d, %d): found #%06x, expected #%06x", rect.getAttribute("class"), x, y, found, rgb).isLessThanOrEqualTo(3);
        }
    }
}
