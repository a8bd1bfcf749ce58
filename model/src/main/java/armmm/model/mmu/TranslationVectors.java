package armmm.model.mmu;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonLocation;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.JsonToken;
import java.io.IOException;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Reads translation vectors, one JSON object a line (the format of {@code oracle/mmu/README.md}).
 * Every value keeps the column it started at, so a bad field is reported as
 * {@code FILE:LINE:COL: message} pointing at the value itself. Blank lines are skipped.
 */
public final class TranslationVectors {
    private static final JsonFactory JSON = new JsonFactory();

    private TranslationVectors() {
    }

    /** Parses every line of {@code file}; throws {@link VectorFormatException} at the first bad one. */
    public static List<TranslationVector> parse(String file, List<String> lines) {
        List<TranslationVector> out = new ArrayList<>(lines.size());
        for (int i = 0; i < lines.size(); i++) {
            String text = lines.get(i);
            if (text.isBlank()) {
                continue;
            }
            out.add(new LineReader(file, i + 1, text).vector());
        }
        return out;
    }

    /** A JSON value with the column (1-based) it starts at. */
    private record Node(Object value, int col) {
    }

    private static final class LineReader {
        private final String file;
        private final int line;
        private final String text;

        LineReader(String file, int line, String text) {
            this.file = file;
            this.line = line;
            this.text = text;
        }

        private VectorFormatException error(int col, String message) {
            return new VectorFormatException(file + ":" + line + ":" + col + ": " + message);
        }

        TranslationVector vector() {
            Node root;
            try (JsonParser p = JSON.createParser(text)) {
                JsonToken first = p.nextToken();
                if (first != JsonToken.START_OBJECT) {
                    throw error(col(p.getTokenLocation()), "expected a JSON object");
                }
                root = read(p);
                JsonToken extra = p.nextToken();
                if (extra != null) {
                    throw error(col(p.getTokenLocation()), "unexpected text after the object");
                }
            } catch (JsonProcessingException e) {
                JsonLocation at = e.getLocation();
                String msg = e.getOriginalMessage();
                int nl = msg.indexOf('\n');
                throw error(at == null ? 1 : col(at), "malformed JSON: " + (nl < 0 ? msg : msg.substring(0, nl)));
            } catch (IOException e) {
                throw error(1, "cannot read: " + e.getMessage());
            }
            Map<String, Node> obj = object(root, "the vector");
            String id = string(field(root, obj, "id"), "id");
            Node regsNode = field(root, obj, "regs");
            Map<String, Node> regs = object(regsNode, "regs");
            int sctlr = word(field(regsNode, regs, "SCTLR"), "SCTLR");
            int ttbcr = word(field(regsNode, regs, "TTBCR"), "TTBCR");
            if (ttbcr < 0) {
                throw error(regs.get("TTBCR").col(), "TTBCR.EAE set: the long-descriptor format is not modelled");
            }
            int ttbr0 = word(field(regsNode, regs, "TTBR0"), "TTBR0");
            int ttbr1 = word(field(regsNode, regs, "TTBR1"), "TTBR1");
            int dacr = word(field(regsNode, regs, "DACR"), "DACR");
            Node memNode = field(root, obj, "mem");
            Map<String, Node> memJson = object(memNode, "mem");
            Map<Long, Integer> mem = new HashMap<>(memJson.size() * 2);
            for (Map.Entry<String, Node> e : memJson.entrySet()) {
                long addr = hex(e.getKey(), e.getValue().col(), 32, "mem address");
                if ((addr & 3) != 0) {
                    throw error(e.getValue().col(), "mem address " + e.getKey() + " is not word aligned");
                }
                mem.put(addr, word(e.getValue(), "mem word at " + e.getKey()));
            }
            Node accessNode = field(root, obj, "access");
            Map<String, Node> access = object(accessNode, "access");
            long va = Integer.toUnsignedLong(word(field(accessNode, access, "va"), "access.va"));
            Node kindNode = field(accessNode, access, "kind");
            Access kind = switch (string(kindNode, "access.kind")) {
                case "read" -> Access.READ;
                case "write" -> Access.WRITE;
                default -> throw error(kindNode.col(), "access.kind must be \"read\" or \"write\"");
            };
            Node modeNode = field(accessNode, access, "mode");
            Privilege mode = switch (string(modeNode, "access.mode")) {
                case "privileged" -> Privilege.KERNEL;
                case "user" -> Privilege.USER;
                default -> throw error(modeNode.col(), "access.mode must be \"privileged\" or \"user\"");
            };
            Node outNode = field(root, obj, "arch_outcome");
            return new TranslationVector(id, line, sctlr, ttbcr, ttbr0, ttbr1, dacr, mem, va, kind, mode,
                    expected(outNode));
        }

        private TranslationVector.Expected expected(Node outNode) {
            Map<String, Node> out = object(outNode, "arch_outcome");
            Node kindNode = field(outNode, out, "kind");
            String kind = string(kindNode, "arch_outcome.kind");
            if (kind.equals("ok")) {
                Node paNode = field(outNode, out, "pa");
                long pa = hex(string(paNode, "arch_outcome.pa"), paNode.col(), 40, "arch_outcome.pa");
                return new TranslationVector.Expected(true, pa, null, false, null, false);
            }
            if (!kind.equals("fault")) {
                throw error(kindNode.col(), "arch_outcome.kind must be \"ok\" or \"fault\"");
            }
            Node faultNode = field(outNode, out, "fault");
            FaultKind fault = switch (string(faultNode, "arch_outcome.fault")) {
                case "translation" -> FaultKind.TRANSLATION;
                case "access_flag", "access flag" -> FaultKind.ACCESS_FLAG;
                case "domain" -> FaultKind.DOMAIN;
                case "permission" -> FaultKind.PERMISSION;
                default -> throw error(faultNode.col(),
                        "arch_outcome.fault must be translation, access_flag, domain or permission");
            };
            Node levelNode = field(outNode, out, "level");
            boolean page = switch (string(levelNode, "arch_outcome.level")) {
                case "section" -> false;
                case "page" -> true;
                default -> throw error(levelNode.col(), "arch_outcome.level must be \"section\" or \"page\"");
            };
            Node wnrNode = field(outNode, out, "wnr");
            long wnr = number(wnrNode, "arch_outcome.wnr");
            if (wnr != 0 && wnr != 1) {
                throw error(wnrNode.col(), "arch_outcome.wnr must be 0 or 1, found " + wnr);
            }
            Integer domain = null;
            Node domainNode = out.get("domain");
            if (domainNode != null && domainNode.value() != null) {
                long d = number(domainNode, "arch_outcome.domain");
                if (d < 0 || d > 15) {
                    throw error(domainNode.col(), "arch_outcome.domain must be 0..15 or null, found " + d);
                }
                domain = (int) d;
            }
            return new TranslationVector.Expected(false, 0, fault, page, domain, wnr == 1);
        }

        private static int col(JsonLocation at) {
            return Math.max(1, at.getColumnNr());
        }

        private Node read(JsonParser p) throws IOException {
            int col = col(p.getTokenLocation());
            JsonToken t = p.currentToken();
            switch (t) {
                case START_OBJECT: {
                    Map<String, Node> m = new LinkedHashMap<>();
                    while (p.nextToken() == JsonToken.FIELD_NAME) {
                        String name = p.getCurrentName();
                        int nameCol = col(p.getTokenLocation());
                        p.nextToken();
                        if (m.put(name, read(p)) != null) {
                            throw error(nameCol, "duplicate key \"" + name + "\"");
                        }
                    }
                    return new Node(m, col);
                }
                case START_ARRAY: {
                    List<Node> l = new ArrayList<>();
                    while (p.nextToken() != JsonToken.END_ARRAY) {
                        l.add(read(p));
                    }
                    return new Node(l, col);
                }
                case VALUE_STRING:
                    return new Node(p.getText(), col);
                case VALUE_NUMBER_INT:
                    return new Node(p.getBigIntegerValue(), col);
                case VALUE_NUMBER_FLOAT:
                    return new Node(p.getDecimalValue(), col);
                case VALUE_TRUE:
                    return new Node(Boolean.TRUE, col);
                case VALUE_FALSE:
                    return new Node(Boolean.FALSE, col);
                case VALUE_NULL:
                    return new Node(null, col);
                default:
                    throw error(col, "unexpected " + t);
            }
        }

        @SuppressWarnings("unchecked")
        private Map<String, Node> object(Node n, String what) {
            if (!(n.value() instanceof Map)) {
                throw error(n.col(), what + " must be a JSON object");
            }
            return (Map<String, Node>) n.value();
        }

        private Node field(Node parent, Map<String, Node> obj, String name) {
            Node n = obj.get(name);
            if (n == null) {
                throw error(parent.col(), "missing \"" + name + "\"");
            }
            return n;
        }

        private String string(Node n, String what) {
            if (!(n.value() instanceof String s)) {
                throw error(n.col(), what + " must be a string");
            }
            return s;
        }

        private long number(Node n, String what) {
            if (!(n.value() instanceof java.math.BigInteger b) || b.bitLength() > 31) {
                throw error(n.col(), what + " must be a small integer");
            }
            return b.longValue();
        }

        private int word(Node n, String what) {
            return (int) hex(string(n, what), n.col(), 32, what);
        }

        private long hex(String s, int col, int bits, String what) {
            int digits = s.length() - 2;
            if (!s.startsWith("0x") || digits < 1 || digits > 16) {
                throw error(col, what + " must be a hex string \"0x...\", found \"" + s + "\"");
            }
            long v;
            try {
                v = Long.parseUnsignedLong(s.substring(2), 16);
            } catch (NumberFormatException e) {
                throw error(col, what + " must be a hex string \"0x...\", found \"" + s + "\"");
            }
            if (bits < 64 && (v >>> bits) != 0) {
                throw error(col, what + " " + s + " does not fit in " + bits + " bits");
            }
            return v;
        }
    }
}
