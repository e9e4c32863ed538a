import Foundation
import PropertyBased
import Testing
@testable import RectifyCore

/// The parser reads by scalars where it once used Foundation's regexes and string
/// functions (issue 16's speed); each hand-written reading must agree with what it replaced.
@Suite struct ReportParserScalarTests {
    /// The regex `arabicCounts` replaced, kept here as its oracle.
    static let chineseCount = try! NSRegularExpression(pattern: "([一二三四五六七八九十百两零]{1,4})(个|项|件)")

    static func regexCounts(_ s: String) -> String {
        let ns = s as NSString
        var out = s
        for m in chineseCount.matches(in: s, range: NSRange(location: 0, length: ns.length)).reversed() {
            let numeral = ns.substring(with: m.range(at: 1))
            guard let v = ChineseNumeral.value(numeral), let r = Range(m.range(at: 1), in: out) else { continue }
            out.replaceSubrange(r, with: String(v))
        }
        return out
    }

    /// Counts among numerals, units, words and hostile text: 二十三项, 一百零五个, 十十十个, 逐一项.
    static let pieces = ["一", "二", "三", "十", "百", "零", "两", "五", "九", "个", "项", "件", "逐", "整改", "已完成", ",", "。", "𠀀", "e\u{301}", "\n", "1"]

    @Test func givenAnyTextOfNumeralsAndUnits_whenCountsAreWrittenInArabic_thenTheyAgreeWithTheRegex() async {
        await propertyCheck(count: 500, input: Gen.int(in: 0...(Self.pieces.count - 1)).array(of: 0...30)) { picks in
            let text = picks.map { Self.pieces[$0] }.joined()
            #expect(ReportParser.arabicCounts(text) == Self.regexCounts(text), "\(text)")
        }
    }

    @Test func givenAnyText_whenSearchedAsWritten_thenItAgreesWithContains() async {
        await propertyCheck(count: 300, input: Gen.int(in: 0...(Self.pieces.count - 1)).array(of: 0...12)) { picks in
            let text = picks.map { Self.pieces[$0] }.joined()
            // The parser's words (not "e", which Foundation will not find in a decomposed é: bytes do).
            for word in ["十个", "项", "已完成", "整改已", "。\n", "1"] {
                #expect(ReportParser.holds(text, word) == text.contains(word), "\(text) \(word)")
            }
            #expect(ReportParser.holds(text, ""))
        }
    }
}
