import Fluent
import Foundation
import XCTVapor
import RectifyCore
@testable import RectifyServer

/// Time moves by itself (issue 12 §1): with nobody writing anything, the app clock is
/// swept across the demo's whole life and past today, and on every day every view of
/// every demo task tells the same light and status: the task's API detail, its ledger
/// row, the CSV export, the dashboard's counts, the official report's sentence and, on
/// some of the days, the task's own page.
final class DateSweepTests: XCTestCase {
    func testOnEveryDayOfTheSweepEveryViewOfEveryDemoTaskAgrees() async throws {
        try await withApp(demo: true) { app in
            let cookies = try await app.sessionCookie(login: "office", password: "office-demo")
            func get(_ path: String) async throws -> (HTTPStatus, String) {
                var out: (HTTPStatus, String) = (.internalServerError, "")
                try await app.test(.GET, path, beforeRequest: { $0.signIn(cookies) }) { res async in out = (res.status, res.body.string) }
                XCTAssertEqual(out.0, .ok, path)
                return out
            }
            func json(_ text: String) -> [String: Any] {
                (try? JSONSerialization.jsonObject(with: Data(text.utf8))) as? [String: Any] ?? [:]
            }
            let today = LocalDate.today(now: Date())
            var days: [LocalDate] = []
            var day = LocalDate(iso: "2017-06-01")!
            while day < today.adding(days: 400) {
                days.append(day)
                day = day.adding(days: 181)
            }
            days += [today, today.adding(days: 1), today.adding(days: 30)]
            for (index, day) in days.enumerated() {
                app.clock = .fixed(day)
                // The ledger, every page of it.
                // Every level's tasks: the parts split to cities and counties (issue 14) too.
                struct Row { let inspection: Int; let number: Int; let light: String?; let status: String?; let part: Bool }
                var all: [Int: Row] = [:]
                var page = 1
                while true {
                    let list = json(try await get("/api/v1/tasks?per=200&subtasks=true&page=\(page)").1)
                    let items = list["items"] as? [[String: Any]] ?? []
                    for i in items {
                        all[i["id"] as? Int ?? 0] = Row(inspection: i["inspectionID"] as? Int ?? 0, number: i["number"] as? Int ?? 0,
                                                        light: i["light"] as? String, status: i["progressStatus"] as? String,
                                                        part: i["parentTaskID"] as? Int != nil)
                    }
                    if items.count < 200 { break }
                    page += 1
                }
                XCTAssertGreaterThan(all.values.filter(\.part).count, 5, "the demo's parts are listed on \(day.iso)")
                // The plan's tasks: what the dashboard, the export and the report count.
                let rows = all.filter { !$0.value.part }
                XCTAssertGreaterThan(rows.count, 50, "the demo's tasks are listed on \(day.iso)")
                // Each task's detail, and on some days its page.
                for (id, row) in all.sorted(by: { $0.key < $1.key }) {
                    let detail = json(try await get("/api/v1/tasks/\(id)").1)
                    XCTAssertEqual(detail["light"] as? String, row.light, "task \(id) light on \(day.iso): detail vs ledger")
                    XCTAssertEqual(detail["progressStatus"] as? String, row.status, "task \(id) status on \(day.iso): detail vs ledger")
                    if index % 4 == 0 {
                        let html = try await get("/tasks/\(id)").1
                        let shown = row.light.flatMap(WarningLight.init(rawValue:)).map { "class=\"light \($0.rawValue)\">\($0.label)" }
                            ?? "class=\"light none\">—"
                        XCTAssertTrue(html.contains(shown), "task \(id) on \(day.iso): its page does not show \(shown)")
                    }
                }
                // The dashboard's counts.
                let counts = json(try await get("/api/v1/dashboard/counts").1)
                let byLight = counts["byLight"] as? [String: Int] ?? [:]
                for light in WarningLight.allCases {
                    XCTAssertEqual(byLight[light.rawValue] ?? 0, rows.values.filter { $0.light == light.rawValue }.count,
                                   "\(light) count on \(day.iso)")
                }
                // Per inspection: the CSV export row by row, and the report's sentence.
                for inspection in Set(rows.values.map(\.inspection)).sorted() {
                    let mine = rows.values.filter { $0.inspection == inspection }
                    let csv = CSV.parse(try await get("/api/v1/tasks/export.csv?inspection=\(inspection)").1).dropFirst()
                    XCTAssertEqual(csv.count, mine.count, "CSV rows of inspection \(inspection) on \(day.iso)")
                    let byNumber = Dictionary(mine.map { ($0.number, $0) }, uniquingKeysWith: { a, _ in a })
                    for line in csv {
                        guard let number = Int(line.cells[0]), let row = byNumber[number] else {
                            XCTFail("CSV row \(line.cells.first ?? "") of inspection \(inspection) is not in the ledger"); continue
                        }
                        XCTAssertEqual(line.cells[14], row.status.flatMap(PublicStatus.init(rawValue:))?.label ?? "",
                                       "CSV status of \(inspection)/\(number) on \(day.iso)")
                        XCTAssertEqual(line.cells[15], row.light.flatMap(WarningLight.init(rawValue:))?.label ?? "",
                                       "CSV light of \(inspection)/\(number) on \(day.iso)")
                    }
                    var statusCounts: [PublicStatus: Int] = [:]
                    for r in mine { if let s = r.status.flatMap(PublicStatus.init(rawValue:)) { statusCounts[s, default: 0] += 1 } }
                    let sentence = OfficialReport.countSentence(total: mine.count, counts: statusCounts)
                    let report = try await get("/api/v1/inspections/\(inspection)/report?format=text").1
                    XCTAssertTrue(report.contains(sentence), "report of \(inspection) on \(day.iso) does not say “\(sentence)”")
                }
            }
        }
    }
}
