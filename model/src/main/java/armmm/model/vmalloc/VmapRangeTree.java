package armmm.model.vmalloc;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * A set of disjoint address ranges that merges neighbours: 6.1's {@code free_vmap_area_root}
 * and {@code purge_vmap_area_root} with their sorted lists (mm/vmalloc.c,
 * {@code merge_or_add_vmap_area}, {@code find_vmap_lowest_match}, {@code adjust_va_to_fit_type}).
 *
 * <p>Ranges are half-open {@code [start, end)} of unsigned 32-bit addresses held in longs. As
 * in the kernel, the ranges are nodes of a red-black tree keyed by address and augmented with
 * each subtree's largest block ({@code subtree_max_size}, lib/rbtree.c's insert and erase
 * rebalancing, {@code rb_insert_augmented}, {@code rb_erase_augmented}); a merge or a carve
 * changes a node's bounds in place, erases or inserts exactly where the kernel does. So the
 * tree has the kernel's shape, and {@link #lowestMatch} walks it as
 * {@code find_vmap_lowest_match} does: with an alignment above a page the walk may return a
 * block that is not the lowest fit, exactly where the kernel's does. An address index beside
 * the tree ({@code free_vmap_area_list}'s order) serves the neighbour lookups.
 */
public final class VmapRangeTree {
    /** {@code struct vmap_area} in a free or purge tree. */
    private static final class Node {
        long start;
        long end;
        Node left;
        Node right;
        Node parent;
        boolean red;
        /** {@code subtree_max_size}: the largest {@code end - start} in this node's subtree. */
        long subtreeMax;

        Node(long start, long end) {
            this.start = start;
            this.end = end;
            this.subtreeMax = end - start;
        }
    }

    private Node root;
    /** The same nodes by start address: {@code free_vmap_area_list}. */
    private final TreeMap<Long, Node> byStart = new TreeMap<>();
    private long totalBytes;

    /** Number of ranges (blocks). */
    public int size() {
        return byStart.size();
    }

    /** Sum of the ranges' lengths, in bytes. */
    public long totalBytes() {
        return totalBytes;
    }

    /** True when no range is held. */
    public boolean isEmpty() {
        return byStart.isEmpty();
    }

    /** The ranges in address order, as {@code {start, end}} pairs. */
    public List<long[]> ranges() {
        List<long[]> out = new ArrayList<>(byStart.size());
        for (Node n : byStart.values()) {
            out.add(new long[] {n.start, n.end});
        }
        return out;
    }

    /** The ranges in address order, flat: {@code start0, end0, start1, end1, ...} (one array, for the checks). */
    public long[] flat() {
        long[] out = new long[2 * byStart.size()];
        int i = 0;
        for (Node n : byStart.values()) {
            out[i++] = n.start;
            out[i++] = n.end;
        }
        return out;
    }

    /** Removes every range. */
    public void clear() {
        root = null;
        byStart.clear();
        totalBytes = 0;
    }

    /** The range containing {@code addr}, as {@code {start, end}}, or null. */
    public long[] rangeContaining(long addr) {
        Map.Entry<Long, Node> e = byStart.floorEntry(addr);
        return e != null && addr < e.getValue().end ? new long[] {e.getKey(), e.getValue().end} : null;
    }

    /** True when some held range overlaps {@code [start, end)}. */
    public boolean overlaps(long start, long end) {
        Map.Entry<Long, Node> e = byStart.lowerEntry(end);
        return e != null && e.getValue().end > start;
    }

    /**
     * {@code merge_or_add_vmap_area}: adds {@code [start, end)}. A next neighbour that starts at
     * {@code end} grows down to {@code start} in place; a previous neighbour that ends at the
     * (merged) start grows up over it, and the next neighbour, when it had merged, is erased; with
     * neither, a new node is linked where {@code find_va_links} finds its place. The caller
     * guarantees the range overlaps nothing held (the kernel WARNs and corrupts its tree
     * otherwise); this is checked here.
     */
    public void mergeOrAdd(long start, long end) {
        if (end <= start) {
            throw new IllegalArgumentException(String.format("empty range [%#x, %#x)", start, end));
        }
        if (overlaps(start, end)) {
            throw new IllegalStateException(String.format("range [%#x, %#x) overlaps a held one", start, end));
        }
        totalBytes += end - start;
        Node next = byStart.get(end);
        Map.Entry<Long, Node> before = byStart.lowerEntry(start);
        Node prev = before != null && before.getValue().end == start ? before.getValue() : null;
        Node merged = null;
        if (next != null) {
            byStart.remove(next.start);
            next.start = start;
            byStart.put(start, next);
            merged = next;
        }
        if (prev != null) {
            long newEnd = merged != null ? merged.end : end;
            if (merged != null) {
                // the kernel unlinks the next node first, then widens the previous one
                byStart.remove(merged.start);
                erase(merged);
            }
            prev.end = newEnd;
            propagate(prev);
            return;
        }
        if (merged != null) {
            propagate(merged);
            return;
        }
        Node n = new Node(start, end);
        byStart.put(start, n);
        insert(n);
    }

    /**
     * {@code find_vmap_lowest_match} then the start {@code __alloc_vmap_area} computes: the
     * kernel's walk from the root, descending left while the left subtree holds a block of the
     * search length and {@code vstart} lies below the node, taking the first node the request
     * fits in ({@code is_within_this_va}), and rolling back up to the first right subtree that
     * may serve (moving {@code vstart} past that parent) when it falls off. With
     * {@code adjustSearchSize} the search length is {@code size + align - 1}
     * ({@code adjust_search_size}). Returns the aligned start, or -1 when the walk finds none.
     */
    public long lowestMatch(long size, long align, long vstart, boolean adjustSearchSize) {
        long length = adjustSearchSize ? size + align - 1 : size;
        Node node = root;
        while (node != null) {
            if (max(node.left) >= length && vstart < node.start) {
                node = node.left;
                continue;
            }
            if (fits(node, size, align, vstart)) {
                return alignedStart(node, align, vstart);
            }
            if (max(node.right) >= length) {
                node = node.right;
                continue;
            }
            // roll back to the first right subtree that may satisfy the request
            Node found = null;
            while ((node = node.parent) != null) {
                if (fits(node, size, align, vstart)) {
                    return alignedStart(node, align, vstart);
                }
                if (max(node.right) >= length && vstart <= node.start) {
                    // past this parent: its right subtree is not entered twice
                    vstart = node.start + 1;
                    found = node.right;
                    break;
                }
            }
            node = found;
        }
        return -1;
    }

    /** {@code is_within_this_va}, in the kernel's 32-bit unsigned arithmetic. */
    private static boolean fits(Node va, long size, long align, long vstart) {
        long nva = alignedStart(va, align, vstart);
        long endAddr = (nva + size) & 0xffff_ffffL;
        if (endAddr < nva || nva < vstart) {
            return false;
        }
        return endAddr <= va.end;
    }

    private static long alignedStart(Node va, long align, long vstart) {
        return alignUp(va.start > vstart ? va.start : vstart, align) & 0xffff_ffffL;
    }

    /**
     * {@code adjust_va_to_fit_type}: takes {@code [start, start + size)} out of the range that
     * holds it whole: a full fit erases the node, a left- or right-edge fit moves one bound in
     * place, and a fit in the middle keeps the node for the right part and links a new node for
     * the left part.
     */
    public void carve(long start, long size) {
        long end = start + size;
        Map.Entry<Long, Node> e = byStart.floorEntry(start);
        if (e == null || e.getValue().end < end) {
            throw new IllegalStateException(String.format("[%#x, %#x) is not inside one free block", start, end));
        }
        Node va = e.getValue();
        totalBytes -= size;
        if (va.start == start && va.end == end) {
            byStart.remove(va.start);
            erase(va);
        } else if (va.start == start) {
            byStart.remove(va.start);
            va.start = end;
            byStart.put(end, va);
            propagate(va);
        } else if (va.end == end) {
            va.end = start;
            propagate(va);
        } else {
            Node lva = new Node(va.start, start);
            byStart.remove(va.start);
            va.start = end;
            byStart.put(end, va);
            propagate(va);
            byStart.put(lva.start, lva);
            insert(lva);
        }
    }

    /** ALIGN(addr, align) for a power-of-two {@code align}. */
    static long alignUp(long addr, long align) {
        return (addr + align - 1) & -align;
    }

    /** The tree's nodes in level order as {@code {start, end, red}}, null links as null: its shape, for tests. */
    List<long[]> shape() {
        List<long[]> out = new ArrayList<>();
        List<Node> level = new ArrayList<>();
        level.add(root);
        while (!level.isEmpty()) {
            List<Node> nextLevel = new ArrayList<>();
            for (Node n : level) {
                out.add(n == null ? null : new long[] {n.start, n.end, n.red ? 1 : 0});
                if (n != null) {
                    nextLevel.add(n.left);
                    nextLevel.add(n.right);
                }
            }
            level = nextLevel;
        }
        return out;
    }

    // ------------------------------------------------------------ the augmented red-black tree

    private static long max(Node n) {
        return n == null ? 0 : n.subtreeMax;
    }

    /** Recomputes one node's {@code subtree_max_size} from its own size and its children's. */
    private static void update(Node n) {
        n.subtreeMax = Math.max(n.end - n.start, Math.max(max(n.left), max(n.right)));
    }

    /** {@code augment_tree_propagate_from}: fixes the sizes from {@code n} up to the root. */
    private static void propagate(Node n) {
        for (; n != null; n = n.parent) {
            update(n);
        }
    }

    /** {@code find_va_links} from the root, {@code rb_link_node}, then the insert rebalancing. */
    private void insert(Node n) {
        Node parent = null;
        Node cur = root;
        boolean left = false;
        while (cur != null) {
            parent = cur;
            if (n.end <= cur.start) {
                cur = cur.left;
                left = true;
            } else if (n.start >= cur.end) {
                cur = cur.right;
                left = false;
            } else {
                throw new IllegalStateException(String.format("[%#x, %#x) overlaps [%#x, %#x) in the tree",
                        n.start, n.end, cur.start, cur.end));
            }
        }
        n.parent = parent;
        n.left = null;
        n.right = null;
        n.red = true;
        if (parent == null) {
            root = n;
        } else if (left) {
            parent.left = n;
        } else {
            parent.right = n;
        }
        propagate(n);
        insertFixup(n);
    }

    private void insertFixup(Node n) {
        while (n.parent != null && n.parent.red) {
            Node p = n.parent;
            Node g = p.parent;
            if (p == g.left) {
                Node uncle = g.right;
                if (uncle != null && uncle.red) {
                    p.red = false;
                    uncle.red = false;
                    g.red = true;
                    n = g;
                    continue;
                }
                if (n == p.right) {
                    rotateLeft(p);
                    n = p;
                    p = n.parent;
                }
                p.red = false;
                g.red = true;
                rotateRight(g);
            } else {
                Node uncle = g.left;
                if (uncle != null && uncle.red) {
                    p.red = false;
                    uncle.red = false;
                    g.red = true;
                    n = g;
                    continue;
                }
                if (n == p.left) {
                    rotateRight(p);
                    n = p;
                    p = n.parent;
                }
                p.red = false;
                g.red = true;
                rotateLeft(g);
            }
        }
        root.red = false;
    }

    /**
     * {@code rb_erase_augmented}: a node with at most one child is replaced by it; a node with
     * two is replaced by its successor (the leftmost of its right subtree), which takes its place
     * and colour; then the erase rebalancing where a black node left.
     */
    private void erase(Node z) {
        Node x;
        Node xParent;
        boolean removedBlack;
        if (z.left == null || z.right == null) {
            x = z.left != null ? z.left : z.right;
            xParent = z.parent;
            removedBlack = !z.red;
            replace(z, x);
            if (x != null) {
                x.parent = xParent;
            }
            propagate(xParent);
        } else {
            Node y = z.right;
            while (y.left != null) {
                y = y.left;
            }
            removedBlack = !y.red;
            x = y.right;
            if (y.parent == z) {
                xParent = y;
            } else {
                xParent = y.parent;
                xParent.left = x;
                if (x != null) {
                    x.parent = xParent;
                }
                y.right = z.right;
                y.right.parent = y;
            }
            replace(z, y);
            y.parent = z.parent;
            y.left = z.left;
            y.left.parent = y;
            y.red = z.red;
            propagate(xParent);
        }
        z.left = null;
        z.right = null;
        z.parent = null;
        if (removedBlack) {
            eraseFixup(x, xParent);
        }
    }

    /** Puts {@code v} where {@code u} hangs from its parent. */
    private void replace(Node u, Node v) {
        if (u.parent == null) {
            root = v;
        } else if (u == u.parent.left) {
            u.parent.left = v;
        } else {
            u.parent.right = v;
        }
    }

    private void eraseFixup(Node x, Node parent) {
        while (x != root && (x == null || !x.red)) {
            if (x == parent.left) {
                Node w = parent.right;
                if (w.red) {
                    w.red = false;
                    parent.red = true;
                    rotateLeft(parent);
                    w = parent.right;
                }
                if ((w.left == null || !w.left.red) && (w.right == null || !w.right.red)) {
                    w.red = true;
                    x = parent;
                    parent = x.parent;
                } else {
                    if (w.right == null || !w.right.red) {
                        w.left.red = false;
                        w.red = true;
                        rotateRight(w);
                        w = parent.right;
                    }
                    w.red = parent.red;
                    parent.red = false;
                    w.right.red = false;
                    rotateLeft(parent);
                    x = root;
                    parent = null;
                }
            } else {
                Node w = parent.left;
                if (w.red) {
                    w.red = false;
                    parent.red = true;
                    rotateRight(parent);
                    w = parent.left;
                }
                if ((w.left == null || !w.left.red) && (w.right == null || !w.right.red)) {
                    w.red = true;
                    x = parent;
                    parent = x.parent;
                } else {
                    if (w.left == null || !w.left.red) {
                        w.right.red = false;
                        w.red = true;
                        rotateLeft(w);
                        w = parent.left;
                    }
                    w.red = parent.red;
                    parent.red = false;
                    w.left.red = false;
                    rotateRight(parent);
                    x = root;
                    parent = null;
                }
            }
        }
        if (x != null) {
            x.red = false;
        }
    }

    /** Left rotation at {@code x}; the subtree keeps its nodes, so only the two rotated sizes change. */
    private void rotateLeft(Node x) {
        Node y = x.right;
        x.right = y.left;
        if (y.left != null) {
            y.left.parent = x;
        }
        y.parent = x.parent;
        replace(x, y);
        y.left = x;
        x.parent = y;
        update(x);
        update(y);
    }

    private void rotateRight(Node x) {
        Node y = x.left;
        x.left = y.right;
        if (y.right != null) {
            y.right.parent = x;
        }
        y.parent = x.parent;
        replace(x, y);
        y.right = x;
        x.parent = y;
        update(x);
        update(y);
    }
}
