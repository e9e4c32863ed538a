import Foundation

/// Text as XML 1.0 may carry it, the one escaping function for every XML we write
/// (XLSX cells, DOCX paragraphs, SVG charts): markup characters escaped, CR as a
/// character reference so it reads back as CR, and the
/// characters XML 1.0 cannot carry at all (controls below U+0020 but tab, LF and CR;
/// U+FFFE and U+FFFF) written as U+FFFD �, so a stray character pasted into a ledger
/// cell shows where it stood instead of making the file unreadable.
public enum XMLText {
    /// What stands for a character XML 1.0 cannot carry.
    public static let replacement: Unicode.Scalar = "\u{FFFD}"

    public static func escape(_ s: String) -> String {
        // Byte-wise, with a fast path: most ledger text needs no escaping at all.
        var clean = true
        var previous: (UInt8, UInt8) = (0, 0)
        for b in s.utf8 {
            if b == 0x26 || b == 0x3C || b == 0x3E || b == 0x22 || (b < 0x20 && b != 0x09 && b != 0x0A)
                || (previous == (0xEF, 0xBF) && (b == 0xBE || b == 0xBF)) {
                clean = false
                break
            }
            previous = (previous.1, b)
        }
        if clean { return s }
        var out: [UInt8] = []
        out.reserveCapacity(s.utf8.count + 16)
        let fffd = Array(String(replacement).utf8)
        for b in s.utf8 {
            switch b {
            case 0x26: out += Array("&amp;".utf8)
            case 0x3C: out += Array("&lt;".utf8)
            case 0x3E: out += Array("&gt;".utf8)
            case 0x22: out += Array("&quot;".utf8)
            case 0x09, 0x0A: out.append(b)
            // A parser turns a literal CR into LF (XML's line-end rule); a reference survives.
            case 0x0D: out += Array("&#13;".utf8)
            case 0..<0x20: out += fffd
            case 0xBE, 0xBF:
                // The last byte of U+FFFE (EF BF BE) or U+FFFF (EF BF BF)? In valid UTF-8,
                // EF is always a lead byte and every byte before this one was copied.
                if out.count >= 2, out[out.count - 2] == 0xEF, out[out.count - 1] == 0xBF {
                    out.removeLast(2)
                    out += fffd
                } else {
                    out.append(b)
                }
            default: out.append(b)
            }
        }
        return String(decoding: out, as: UTF8.self)
    }
}
