import Foundation
import PropertyBased
import Testing
@testable import RectifyServer
import RectifyTestSupport
import RectifyCore

/// The one HTML escape, for text and attribute values alike, on arbitrary Unicode.
@Suite struct HTMLTextPropertyTests {
    /// What a browser shows: our five entities resolved, scalar by scalar (a `;` with a
    /// combining mark after it is one Character, so String search would miss it).
    static func unescape(_ s: String) -> String {
        let entities: [(String, Unicode.Scalar)] = [("&lt;", "<"), ("&gt;", ">"), ("&quot;", "\""), ("&#39;", "'"), ("&amp;", "&")]
        let scalars = Array(s.unicodeScalars)
        var out = String.UnicodeScalarView()
        var i = 0
        next: while i < scalars.count {
            if scalars[i] == "&" {
                for (name, value) in entities {
                    let n = Array(name.unicodeScalars)
                    if i + n.count <= scalars.count, Array(scalars[i..<(i + n.count)]) == n {
                        out.append(value)
                        i += n.count
                        continue next
                    }
                }
            }
            out.append(scalars[i])
            i += 1
        }
        return String(out)
    }

    /// The input as HTML may carry it: forbidden controls as U+FFFD.
    static func carried(_ s: String) -> String {
        String(String.UnicodeScalarView(s.unicodeScalars.map { u -> Unicode.Scalar in
            switch u.value {
            case 0x09, 0x0A, 0x0C, 0x0D: u
            case 0..<0x20, 0x7F...0x9F, 0xFFFE, 0xFFFF: "\u{FFFD}"
            default: u
            }
        }))
    }

    @Test func givenAnyText_whenEscaped_thenNoMarkupCharacterIsLeftAndItReadsBack() async {
        await propertyCheck(count: 500, input: Hostile.string) { s in
            let escaped = HTMLText.escape(s)
            #expect(!escaped.unicodeScalars.contains { "<>\"'".unicodeScalars.contains($0) })
            #expect(Self.unescape(escaped) == Self.carried(s))
        }
    }

    @Test func givenAnyText_whenItIsAnAttributeOfARenderedPage_thenItStaysInsideTheAttribute() async {
        await propertyCheck(count: 300, input: Hostile.string) { s in
            let html = Forms.field("名称", "title", value: s).render()
            // One input, whose value attribute closes where the escaped text ends.
            #expect(html.components(separatedBy: "<input").count == 2)
            #expect(html.contains("value=\"\(HTMLText.escape(s))\"") || s.isEmpty)
        }
    }

    @Test func givenAnyText_whenItIsTextOfARenderedPage_thenItIsThereEscapedOnce() async {
        await propertyCheck(count: 300, input: Hostile.string) { s in
            let context = PageContext(displayName: nil, roles: [], csrf: nil, flash: nil, section: nil)
            let html = ErrorPage(status: 400, message: s, code: "x", context: context).render()
            // Placed with `.raw`: this escape is the text's only one.
            #expect(html.contains("<p>\(HTMLText.escape(s))</p>"))
        }
    }

    @Test func givenAnyText_whenItIsALedgerRow_thenItIsThereEscapedOnceAndAttributesStayClosed() async {
        await propertyCheck(count: 300, input: Hostile.string, Hostile.string) { title, unit in
            let row = LedgerModel.Row(id: 7, code: "3-1", title: title, inspection: unit, origin: "由辽宁省分解", parts: 2,
                                      region: "辽宁省", responsible: unit,
                                      state: TaskState.inProgress.rawValue, status: nil, light: WarningLight.red.rawValue,
                                      deadline: "2026-12-31", kind: TaskKind.timeLimited.rawValue, extended: true)
            let model = LedgerModel(filter: .init(), rows: [row], total: 1, page: 1, per: 50, inspections: [], regions: [], byLight: [:])
            let html = LedgerView(context: .anonymous, model: model).rows
            #expect(html.hasPrefix("<tr><td class=\"num\">3-1</td><td><a href=\"/tasks/7\">\(HTMLText.escape(title))</a>"
                + "<a class=\"tag\" href=\"/ledger?parent=7\">分解 2 项</a></td>"))
            #expect(html.contains("<td><span class=\"sub\">\(HTMLText.escape(unit))</span><span class=\"tag\">由辽宁省分解</span></td>"))
            #expect(html.contains("<span class=\"light red\">红灯</span>") && html.contains("<span class=\"tag\">已延期</span>"))
            #expect(html.components(separatedBy: "<td").count == 10 && html.hasSuffix("</td></tr>"))
        }
    }

    @Test func givenAnyText_whenWrittenAsAnAttribute_thenItStaysInsideIt() async {
        await propertyCheck(count: 300, input: Hostile.string, Hostile.string) { cls, text in
            var w = HTMLWriter()
            w.element("span", class: cls, href: text, text: text)
            #expect(w.html == "<span class=\"\(HTMLText.escape(cls))\" href=\"\(HTMLText.escape(text))\">\(HTMLText.escape(text))</span>")
            // Counted by scalar, as a browser reads it: a quote and a combining mark after it are one Character.
            #expect(w.html.unicodeScalars.filter { $0 == "\"" }.count == 4)
        }
    }

    @Test(.shrinking(false)) func givenALongHostileString_whenEscaped_thenItIsWhole() async {
        await propertyCheck(count: 3, input: Hostile.long) { s in
            #expect(Self.unescape(HTMLText.escape(s)) == Self.carried(s))
        }
    }
}
