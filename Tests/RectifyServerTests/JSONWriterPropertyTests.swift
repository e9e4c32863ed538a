import Foundation
import NIOCore
import PropertyBased
import Testing
@testable import RectifyServer
import RectifyTestSupport
import RectifyCore

/// The hand-written JSON of the API's task list (`JSONWriter`, `JSONText`) against
/// Foundation's, on arbitrary Unicode: the same values, field by field.
@Suite struct JSONWriterPropertyTests {
    static func parsed(_ data: Data) throws -> NSObject {
        try #require(try JSONSerialization.jsonObject(with: data, options: [.fragmentsAllowed]) as? NSObject)
    }

    @Test func givenAnyText_whenWrittenAsAJSONString_thenFoundationReadsItBackTheSame() async throws {
        await propertyCheck(count: 500, input: Hostile.string) { s in
            let literal = JSONText.literal(s)
            let back = try? JSONDecoder().decode(String.self, from: Data(literal.utf8))
            #expect(back == s)
            // Nothing raw that JSON forbids inside a string.
            #expect(!literal.unicodeScalars.contains { $0.value < 0x20 })
        }
    }

    @Test(.shrinking(false)) func givenALongHostileString_whenWritten_thenItIsWhole() async {
        await propertyCheck(count: 3, input: Hostile.long) { s in
            #expect((try? JSONDecoder().decode(String.self, from: Data(JSONText.literal(s).utf8))) == s)
        }
    }

    @Test func givenAnyLedgerPage_whenWrittenByHand_thenItEqualsWhatJSONEncoderWrites() async throws {
        let text = Hostile.string
        let optionalText = Hostile.string.optional
        let int = Gen.int(in: Int.min...Int.max)
        await propertyCheck(count: 300, input: text, optionalText, optionalText, int, Gen.int(in: 0...200),
                            Gen.int(in: 0..<TaskState.allCases.count), Gen.int(in: 0...WarningLight.allCases.count)) {
            title, deadline, since, number, count, stateIndex, lightIndex in
            let state = Array(TaskState.allCases)[stateIndex]
            let light = lightIndex == 0 ? nil : Array(WarningLight.allCases)[lightIndex - 1]
            var item: [String: Any] = [
                "id": number, "inspectionID": count, "number": number, "title": title, "kind": TaskKind.longTerm.rawValue,
                "state": state.rawValue, "version": count,
            ]
            item["deadline"] = deadline
            item["originalDeadline"] = since
            item["light"] = light?.rawValue
            item["progressStatus"] = light == nil ? nil : PublicStatus.onSchedule.rawValue
            item["regionCode"] = light == nil ? nil : number
            item["lightSince"] = since
            item["assignedOn"] = deadline
            // Levels (issue 14): the code people read, where a part came from, how many parts.
            item["code"] = title
            item["parentTaskID"] = light == nil ? nil : count
            item["parentRegionCode"] = light == nil ? nil : number
            item["subtasksTotal"] = count
            guard let data = try? JSONSerialization.data(withJSONObject: ["items": [item, item], "page": 1, "per": count, "total": number]),
                  let page = try? JSONDecoder().decode(LedgerQuery.Page<LedgerQuery.Row>.self, from: data) else {
                Issue.record("the generated page does not decode")
                return
            }
            let byHand = Self.written(page)
            let byFoundation = try? JSONEncoder().encode(page)
            #expect(byFoundation != nil)
            guard let byFoundation else { return }
            #expect((try? Self.parsed(byHand)) == (try? Self.parsed(byFoundation)))
            // And it reads back as the page it was written from.
            let back = try? JSONDecoder().decode(LedgerQuery.Page<LedgerQuery.Row>.self, from: byHand)
            #expect(back?.items.first?.title == title && back?.items.first?.deadline == deadline && back?.total == number)
        }
    }

    /// What `Page.encodeResponse` writes, without a request.
    static func written(_ page: LedgerQuery.Page<LedgerQuery.Row>) -> Data {
        var json = JSONWriter()
        page.write(to: &json)
        return Data(buffer: json.buffer)
    }
}

extension JSONText {
    /// The string as a JSON string literal, quotes included.
    static func literal(_ s: String) -> String {
        var buffer = ByteBufferAllocator().buffer(capacity: s.utf8.count + 2)
        write(s, to: &buffer)
        return String(buffer: buffer)
    }
}
