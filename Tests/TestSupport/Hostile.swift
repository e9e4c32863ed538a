import PropertyBased

/// Text as offices paste it, and worse: ASCII specials beside 辽 and 设 (whose UTF-8
/// holds the byte 0xBE that once trapped the XML escape), full-width punctuation,
/// CJK Extension B (𠀀), control characters, NUL, U+FFFE/U+FFFF, byte-order marks,
/// RTL overrides and emoji, in strings up to 60 scalars (and, from `long`, 20,000).
public enum Hostile {
    static let pools: [ClosedRange<UInt32>] = [
        0x20...0x7E,          // ASCII
        0x00...0x1F,          // C0 controls, NUL among them
        0x7F...0x9F,          // DEL and C1 controls
        0x4E00...0x9FFF,      // CJK
        0x20000...0x2A6DF,    // CJK Extension B
        0xFF00...0xFF65,      // full-width forms
        0x3000...0x303F,      // CJK punctuation
        0x202A...0x202E,      // bidi embeddings and overrides
        0xFFF9...0xFFFF,      // specials and the noncharacters U+FFFE, U+FFFF
        0x1F300...0x1F64F,    // emoji
    ]
    static let specials: [Unicode.Scalar] = ["\"", "&", "<", ">", "'", ",", ";", "\n", "\r", "\t", "\0", "=", "\\",
                                             "辽", "设", "美", "群", "羊", "\u{FEFF}", "（", "）", "，", "；", "："]

    /// The scalar a random number picks: a pool, then a place in it.
    public static func scalar(_ n: Int) -> Unicode.Scalar {
        let pool = n % (pools.count + 1)
        let rest = n / (pools.count + 1)
        if pool == pools.count { return specials[rest % specials.count] }
        let range = pools[pool]
        let value = range.lowerBound + UInt32(rest % Int(range.upperBound - range.lowerBound + 1))
        return Unicode.Scalar(value) ?? "?"
    }

    public static func text(_ numbers: [Int]) -> String {
        var view = String.UnicodeScalarView()
        view.append(contentsOf: numbers.map(scalar))
        return String(view)
    }

    /// Strings of 0 to 60 hostile scalars.
    public static let string = Gen.int(in: 0...Int(Int32.max)).array(of: 0...60).map(text)

    /// One string of 20,000 scalars.
    public static let long = Gen.int(in: 0...Int(Int32.max)).array(of: 20_000).map(text)
}
