import Foundation

/// Text as XML 1.0 may carry it: markup characters escaped, and the control
/// characters XML forbids (everything below U+0020 but tab, LF and CR) dropped, so a
/// stray character pasted into a ledger cell cannot make the file unreadable.
public enum XMLText {
    public static func escape(_ s: String) -> String {
        // Byte-wise, with a fast path: most ledger text needs no escaping at all.
        var clean = true
        var previous: (UInt8, UInt8) = (0, 0)
        for b in s.utf8 {
            if b == 0x26 || b == 0x3C || b == 0x3E || b == 0x22 || (b < 0x20 && b != 0x09 && b != 0x0A && b != 0x0D)
                || (previous == (0xEF, 0xBF) && (b == 0xBE || b == 0xBF)) {
                clean = false
                break
            }
            previous = (previous.1, b)
        }
        if clean { return s }
        var out: [UInt8] = []
        out.reserveCapacity(s.utf8.count + 16)
        for b in s.utf8 {
            switch b {
            case 0x26: out += Array("&amp;".utf8)
            case 0x3C: out += Array("&lt;".utf8)
            case 0x3E: out += Array("&gt;".utf8)
            case 0x22: out += Array("&quot;".utf8)
            case 0x09, 0x0A, 0x0D: out.append(b)
            case 0..<0x20: continue
            case 0xBE, 0xBF where out.count >= 2 && out[out.count - 2] == 0xEF && out[out.count - 1] == 0xBF:
                out.removeLast(2)   // U+FFFE, U+FFFF: not characters in XML
            default: out.append(b)
            }
        }
        return String(decoding: out, as: UTF8.self)
    }
}
