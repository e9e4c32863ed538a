/// The one escaping function for HTML, text and attribute values alike. Plot escapes
/// text nodes only partly (it passes `&lt;` through as an entity, so typed text could
/// show as something else) and attribute values not at all, so every piece of text a
/// page shows goes through here first and is then placed as written:
/// `.raw(HTMLText.escape(text))`, `.attribute(named:value: HTMLText.escape(value))`.
/// (Plot's `.text` would escape it a second time, a `String` per character: on the
/// public portal that second pass was a fifth of the request's time.)
///
/// `& < > " '` become entities; the control characters HTML forbids (C0 but tab, LF,
/// FF and CR; DEL and the C1 block; the noncharacters U+FFFE and U+FFFF) become U+FFFD,
/// visibly, instead of vanishing.
enum HTMLText {
    static func escape(_ s: String) -> String {
        guard s.unicodeScalars.contains(where: needsWork) else { return s }
        var out = String.UnicodeScalarView()
        for u in s.unicodeScalars {
            switch u {
            case "&": out.append(contentsOf: "&amp;".unicodeScalars)
            case "<": out.append(contentsOf: "&lt;".unicodeScalars)
            case ">": out.append(contentsOf: "&gt;".unicodeScalars)
            case "\"": out.append(contentsOf: "&quot;".unicodeScalars)
            case "'": out.append(contentsOf: "&#39;".unicodeScalars)
            default: out.append(forbidden(u) ? "\u{FFFD}" : u)
            }
        }
        return String(out)
    }

    private static func needsWork(_ u: Unicode.Scalar) -> Bool {
        switch u {
        case "&", "<", ">", "\"", "'": return true
        default: return forbidden(u)
        }
    }

    private static func forbidden(_ u: Unicode.Scalar) -> Bool {
        switch u.value {
        case 0x09, 0x0A, 0x0C, 0x0D: return false
        case 0..<0x20, 0x7F...0x9F, 0xFFFE, 0xFFFF: return true
        default: return false
        }
    }
}
