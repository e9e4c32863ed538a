import Fluent
import Foundation
import XCTVapor
import RectifyCore
@testable import RectifyServer

/// The demo lives in time (issue 12 §5) and each role lands on its own work (§4).
final class LivingDemoTests: XCTestCase {
    func page(_ app: Application, _ path: String, _ cookies: HTTPCookies) async throws -> String {
        var html = ""
        try await app.test(.GET, path, beforeRequest: { $0.signIn(cookies) }) { res async in
            XCTAssertEqual(res.status, .ok, path)
            html = res.body.string
        }
        return html
    }

    func testOnTheDayItIsLoadedTheDemoShowsWorkInEveryState() async throws {
        try await withApp(demo: true) { app in
            let today = LocalDate.today(now: Date())
            app.clock = .fixed(today)
            let office = try await app.sessionCookie(login: "office", password: "office-demo")
            let found = try await Inspection.query(on: app.db).filter(\.$title == DemoLive.inspectionTitle).first()
            let inspection = try XCTUnwrap(found)
            // Lights of every colour, as the ledger shows them today.
            var lights: [String: Int] = [:]
            try await app.test(.GET, "/api/v1/dashboard/counts?inspection=\(inspection.id!)", beforeRequest: { $0.signIn(office) }) { res async in
                let json = (try? JSONSerialization.jsonObject(with: Data(res.body.string.utf8))) as? [String: Any] ?? [:]
                lights = json["byLight"] as? [String: Int] ?? [:]
            }
            for light in ["red", "yellow", "green"] { XCTAssertGreaterThan(lights[light] ?? 0, 0, "\(light) in \(lights)") }
            let all = try await TaskRecord.query(on: app.db).filter(\.$inspection.$id == inspection.id!).all()
            // The parts split to the cities and 盘山县 (issue 14): 盘山县's has passed 县级初验 and waits for 市级验收.
            let parts = all.filter { $0.$parentTask.id != nil }
            XCTAssertEqual(parts.count, DemoLive.parts)
            XCTAssertEqual(parts.filter { $0.state == .completionSubmitted && $0.acceptanceStep == 1 }.count, 1)
            let tasks = all.filter { $0.$parentTask.id == nil }
            let states = Dictionary(grouping: tasks, by: \.state).mapValues(\.count)
            XCTAssertEqual(states[.closed], 3)
            XCTAssertEqual(states[.publicNotice], 2)
            XCTAssertEqual(states[.accepted], 1)
            XCTAssertEqual(states[.completionSubmitted], 1)
            XCTAssertEqual(states[.assigned], 2)
            // An open round past its due date, with some reports in and some missing.
            let openRound = try await DispatchRound.query(on: app.db).filter(\.$closedAt == nil).first()
            let round = try XCTUnwrap(openRound)
            let figures = try await RoundService.figures(round, on: app.db)
            XCTAssertGreaterThan(figures.reported, 0)
            XCTAssertGreaterThan(figures.missing, 0)
            XCTAssertLessThan(LocalDate(iso: round.dueDate)!, today)
            // Open orders, one overdue; closures in the last weeks on the dashboard's chart.
            let open = try await SupervisionOrder.query(on: app.db).filter(\.$closedAt == nil).all()
            XCTAssertEqual(open.count, 2)
            XCTAssertTrue(open.contains { LocalDate(iso: $0.replyBy)! < today && $0.replyText == nil })
            let closes = try await AuditEvent.query(on: app.db).filter(\.$action == "close").all()
            XCTAssertEqual(closes.count, 3)
            XCTAssertTrue(closes.allSatisfy { $0.at >= today.adding(days: -30).iso }, closes.map(\.at).joined(separator: ","))
            // Two batches of petition cases, handled in part, one a repeat; the complainants are the office's to see.
            let live = try await Inspection.query(on: app.db).filter(\.$title == DemoLive.inspectionTitle).first()
            let batches = try await PetitionBatch.query(on: app.db).filter(\.$inspection.$id == (live?.id ?? 0)).sort(\.$number).all()
            XCTAssertEqual(batches.count, 2)
            var body = ""
            var items: [[String: Any]] = []
            for b in batches {
                try await app.test(.GET, "/api/v1/petition-cases?per=50&batch=\(b.id!)", beforeRequest: { $0.signIn(office) }) { res async in
                    body += res.body.string
                    let json = (try? JSONSerialization.jsonObject(with: Data(res.body.string.utf8))) as? [String: Any] ?? [:]
                    items += json["items"] as? [[String: Any]] ?? []
                }
            }
            XCTAssertEqual(items.count, DemoLive.cases.count)
            XCTAssertEqual(items.filter { $0["status"] as? String == "concluded" }.count, 4)
            XCTAssertTrue(items.contains { ($0["repeatOf"] as? [Int])?.isEmpty == false }, "a repeat complaint is flagged")
            XCTAssertTrue(body.contains("演示举报人1"))
            let leader = try await app.sessionCookie(login: "leader", password: "leader-demo")
            try await app.test(.GET, "/api/v1/petition-cases?per=50", beforeRequest: { $0.signIn(leader) }) { res async in
                XCTAssertFalse(res.body.string.contains("演示举报人"), "a leader never sees a complainant")
            }
            try await app.test(.GET, "/api/v1/inspections/\(inspection.id!)/report", beforeRequest: { $0.signIn(office) }) { res async in
                XCTAssertTrue(res.body.string.contains("督察组交办的10件群众信访举报件,已办结4件、阶段性办结1件"), res.body.string)
            }
            // The audit chain the services wrote holds.
            let chain = try await Audit.verify(on: app.db)
            XCTAssertNil(chain.firstBroken.map { "\($0.id): \($0.reason)" })
        }
    }

    func testEachRoleLandsOnWhatItHasToDo() async throws {
        try await withApp(demo: true) { app in
            app.clock = .fixed(LocalDate.today(now: Date()))
            let unit = try await app.sessionCookie(login: "unit", password: "unit-demo")
            let home = try await page(app, "/", unit)
            XCTAssertTrue(home.contains("<h1>我的待办</h1>"), "a unit lands on its queue")
            XCTAssertTrue(home.contains("施工工地扬尘治理"), "the task it has to claim")
            XCTAssertTrue(home.contains("已逾期 1 天"), "the round's report, overdue")
            XCTAssertTrue(home.contains("督办〔"), "the order it has to answer")
            let acceptor = try await app.sessionCookie(login: "acceptor", password: "acceptor-demo")
            let queue = try await page(app, "/", acceptor)
            XCTAssertTrue(queue.contains("待验收(1)"), "an acceptance unit lands on its queue")
            XCTAssertTrue(queue.contains("生活垃圾填埋场渗滤液处理"))
            let leader = try await app.sessionCookie(login: "leader", password: "leader-demo")
            let screen = try await page(app, "/", leader)
            XCTAssertTrue(screen.contains("<h1>领导首页</h1>"))
            XCTAssertTrue(screen.contains("红灯任务("), "the red tasks")
            XCTAssertTrue(screen.contains("逾期未回复"), "an escalated order past its reply date")
            XCTAssertTrue(screen.contains("请省发展改革委加快燃煤锅炉淘汰进度"), "the leader's own instruction, to follow up")
            let office = try await app.sessionCookie(login: "office", password: "office-demo")
            let dashboard = try await page(app, "/", office)
            XCTAssertTrue(dashboard.contains("<h1>首页</h1>"), "the office keeps the dashboard")
            // The office's home stays the dashboard, and its inbox has the day's work.
            let inbox = try await page(app, "/notifications", office)
            XCTAssertTrue(inbox.contains("申请验收"), "acceptance requested reaches the office")
        }
    }
}
