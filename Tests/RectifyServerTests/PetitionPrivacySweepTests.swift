import Fluent
import XCTVapor
import RectifyCore
@testable import RectifyServer

/// Issue 13 §3 on the demo's real records: the complainants (演示举报人N, 139…/138… numbers)
/// reach only the office over the case and the case's units; every other role's pages,
/// API answers and exports, and every portal page, never carry them.
final class PetitionPrivacySweepTests: XCTestCase {
    func testNoPageOrAnswerOutsideTheOfficeAndTheCasesUnitsCarriesAComplainant() async throws {
        try await withApp(demo: true) { app in
            let live = try await Inspection.query(on: app.db).filter(\.$title == DemoLive.inspectionTitle).first()
            let panjin = try await Inspection.query(on: app.db).filter(\.$title == "第一轮中央环境保护督察(盘锦市)").first()
            let batch = try await PetitionBatch.query(on: app.db).filter(\.$inspection.$id == (live?.id ?? 0)).sort(\.$number).first()
            let kase = try await PetitionCase.query(on: app.db).filter(\.$batch.$id == (batch?.id ?? 0)).sort(\.$id).first()
            let task1 = try await TaskRecord.query(on: app.db).filter(\.$inspection.$id == (panjin?.id ?? 0)).filter(\.$number == 1).first()
            let round = try await DispatchRound.query(on: app.db).first()
            let (b, c, t, i, p) = (batch?.id ?? 0, kase?.id ?? 0, task1?.id ?? 0, live?.id ?? 0, panjin?.id ?? 0)
            let secrets = ["演示举报人", "1380000", "139000", "演示地址"]
            let inside = ["/", "/petitions", "/petitions/\(c)", "/petitions?batch=\(b)", "/tasks/\(t)", "/my", "/notifications",
                          "/accountability", "/rounds/\(round?.id ?? 0)", "/api/v1/petition-cases", "/api/v1/petition-cases/\(c)",
                          "/api/v1/petition-batches", "/api/v1/petition-batches/\(b)/handling-list?format=html",
                          "/api/v1/notifications", "/api/v1/rounds/\(round?.id ?? 0)", "/api/v1/inspections/\(i)/report",
                          "/api/v1/tasks/\(t)", "/api/v1/tasks/\(t)/timeline", "/api/v1/accountability-cases"]
            let portal = ["/public", "/public/inspections/\(p)", "/public/inspections/\(p)/petitions", "/public/inspections/\(i)/petitions",
                          "/public/petition-batches/\(b)"]
            var checked = 0
            for (login, password) in [("leader", "leader-demo"), ("admin", "admin-demo"), ("acceptor", "acceptor-demo"),
                                      ("discipline", "discipline-demo"), ("unit", "unit-demo")] {
                let cookie = try await app.sessionCookie(login: login, password: password)
                for path in inside + portal {
                    try await app.test(.GET, path, beforeRequest: { $0.signIn(cookie) }) { res async in
                        XCTAssertLessThan(res.status.code, 500, "\(login) \(path)")
                        for s in secrets { XCTAssertFalse(res.body.string.contains(s), "\(login) \(path) shows \(s)") }
                        checked += 1
                    }
                }
            }
            for path in portal {
                try await app.test(.GET, path) { res async in
                    XCTAssertEqual(res.status, .ok, path)
                    for s in secrets { XCTAssertFalse(res.body.string.contains(s), "public \(path) shows \(s)") }
                }
            }
            // The office over the cases does see them: the sweep would catch a page that hid nothing.
            let office = try await app.sessionCookie(login: "office", password: "office-demo")
            try await app.test(.GET, "/petitions/\(c)", beforeRequest: { $0.signIn(office) }) { res async in
                XCTAssertTrue(res.body.string.contains("演示举报人"), "the office sees the complainant")
            }
            XCTAssertEqual(checked, 5 * (inside.count + portal.count))
        }
    }
}
