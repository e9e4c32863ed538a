import Plot
/// The one escaping function for HTML, text and attribute values alike. Plot escapes
/// text nodes only partly (it passes `&lt;` through as an entity, so typed text could
/// show as something else) and attribute values not at all, so every piece of text a
/// page shows goes through here first and is then placed as written: text with
/// `.words(text)`, attribute values as `HTMLText.escape(value)`. (Plot's `.text` escapes
/// with a `String` per character: on the public portal that was a fifth of the request's
/// time. Its string literals, `.th("地区")`, are fixed labels and stay.)
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

extension Node {
    /// Text on a page, escaped once, by `HTMLText.escape`.
    static func words(_ text: String) -> Node { .raw(HTMLText.escape(text)) }
}
