import Fluent
import XCTVapor
import RectifyCore
@testable import RectifyServer

/// What an office configures and lists: its thresholds, extended tasks, scheduled
/// look-backs, and pages on every list.
final class OfficeToolsTests: XCTestCase {
    func testAnOfficeSetsItsOwnThresholdsAndTheyChangeTheLights() async throws {
        try await withApp { app in
            let f = try await Fixture(app, state: .inProgress)
            f.set("2018-06-15")   // 45% of the time gone, no report: yellow at the default 20 points
            var light = try await f.expect(.ok, .GET, "/api/v1/tasks/\(f.taskID)", as: "office").json["light"] as? String
            XCTAssertEqual(light, "yellow")
            let bad = try await f.expect(.unprocessableEntity, .PUT, "/api/v1/settings", as: "office",
                                         #"{"yellowLagPoints":0,"unclaimedDays":7,"redDaysBeforeOrder":14}"#)
            XCTAssertEqual(bad.code, "validationFailed")
            try await f.expect(.forbidden, .PUT, "/api/v1/settings", as: "responsible",
                               #"{"yellowLagPoints":50,"unclaimedDays":7,"redDaysBeforeOrder":14}"#)
            try await f.expect(.ok, .PUT, "/api/v1/settings", as: "office", #"{"yellowLagPoints":50,"unclaimedDays":3,"redDaysBeforeOrder":7}"#)
            light = try await f.expect(.ok, .GET, "/api/v1/tasks/\(f.taskID)", as: "office").json["light"] as? String
            XCTAssertEqual(light, "green")
            let shown = try await f.expect(.ok, .GET, "/api/v1/settings", as: "leader").json
            XCTAssertEqual(shown["unclaimedDays"] as? Int, 3)
            // Another province keeps the defaults.
            let foreign = try await f.expect(.ok, .GET, "/api/v1/settings", as: "foreignOffice").json
            XCTAssertEqual(foreign["yellowLagPoints"] as? Int, 20)
        }
    }

    func testExtendedTasksAreCountedAndListed() async throws {
        try await withApp { app in
            let f = try await Fixture(app, state: .inProgress)
            let g = try await Fixture(app, state: .inProgress, number: 2)
            _ = g
            let e = try await f.expect(.created, .POST, "/api/v1/tasks/\(f.taskID)/extensions", as: "responsible",
                                       #"{"deadline":"2019-06-30","reason":"冬季停工"}"#).id
            try await f.expect(.ok, .POST, "/api/v1/extensions/\(e)/decision", as: "office", #"{"approve":true}"#)
            let listed = try await f.expect(.ok, .GET, "/api/v1/tasks?extended=true", as: "office").json
            XCTAssertEqual(listed["total"] as? Int, 1)
            let counts = try await f.expect(.ok, .GET, "/api/v1/dashboard/counts", as: "office").json
            XCTAssertEqual(counts["extended"] as? Int, 1)
            XCTAssertEqual(counts["total"] as? Int, 2)
        }
    }

    func testLookBacksAreScheduledThenDone() async throws {
        try await withApp { app in
            let f = try await Fixture(app, state: .closed)
            let past = try await f.expect(.unprocessableEntity, .POST, "/api/v1/tasks/\(f.taskID)/lookbacks", as: "office",
                                          #"{"result":"scheduled","date":"2018-01-01","findings":""}"#)
            XCTAssertEqual(past.code, "validationFailed")
            try await f.expect(.created, .POST, "/api/v1/tasks/\(f.taskID)/lookbacks", as: "office",
                               #"{"result":"scheduled","date":"2018-09-01","findings":"计划回头看"}"#)
            var due = try await f.expect(.ok, .GET, "/api/v1/lookbacks/due", as: "office").json
            XCTAssertEqual(due["total"] as? Int, 1)
            let foreignDue = try await f.expect(.ok, .GET, "/api/v1/lookbacks/due", as: "foreignOffice").json
            XCTAssertEqual(foreignDue["total"] as? Int, 0)
            f.set("2018-09-01")
            try await f.expect(.created, .POST, "/api/v1/tasks/\(f.taskID)/lookbacks", as: "office",
                               #"{"result":"holding","findings":"成果巩固,未发现反弹","people":"赵六"}"#)
            due = try await f.expect(.ok, .GET, "/api/v1/lookbacks/due", as: "office").json
            XCTAssertEqual(due["total"] as? Int, 0)
            let open = try await Fixture(app, state: .inProgress, number: 2)
            try await open.expect(.conflict, .POST, "/api/v1/tasks/\(open.taskID)/lookbacks", as: "office",
                                  #"{"result":"scheduled","date":"2018-10-01","findings":""}"#)
        }
    }

    func testEveryListComesInPages() async throws {
        try await withApp { app in
            let f = try await Fixture(app, state: .draft)
            try await f.act(.assign, as: "office")
            try await f.act(.claim, as: "responsible")
            try await f.act(.claim, as: "cooperating")
            let timeline = try await f.expect(.ok, .GET, "/api/v1/tasks/\(f.taskID)/timeline?per=2&page=2", as: "office").json
            // Assigned, claimed twice, and the day's recomputes of its light.
            let recomputes = try await AuditEvent.query(on: app.db).filter(\.$action == "task.recompute").count()
            XCTAssertEqual(timeline["total"] as? Int, 3 + recomputes)
            XCTAssertEqual((timeline["items"] as? [Any])?.count, min(2, 1 + recomputes))
            XCTAssertEqual(timeline["page"] as? Int, 2)
            for path in ["/api/v1/tokens", "/api/v1/tasks/\(f.taskID)/evidence", "/api/v1/flags/unclaimed",
                         "/api/v1/orders/suggestions", "/api/v1/lookbacks/due", "/api/v1/tasks"] {
                let page = try await f.expect(.ok, .GET, path + "?per=500", as: "office").json
                XCTAssertEqual(page["per"] as? Int, 200, path)
                XCTAssertNotNil(page["total"], path)
            }
        }
    }

    func testEvidenceCanBeAttachedToOneOfTheTasksReports() async throws {
        try await withApp { app in
            let f = try await Fixture(app, state: .inProgress)
            let g = try await Fixture(app, state: .inProgress, number: 2)
            let report = try await f.expect(.created, .POST, "/api/v1/tasks/\(f.taskID)/reports", as: "responsible",
                                            #"{"narrative":"附现场照片","percent":20}"#).id
            let other = try await g.expect(.created, .POST, "/api/v1/tasks/\(g.taskID)/reports", as: "responsible",
                                           #"{"narrative":"另一任务","percent":20}"#).id
            let ok = try await f.expect(.created, .POST, "/api/v1/tasks/\(f.taskID)/evidence?name=a.pdf&report=\(report)",
                                        as: "responsible", "%PDF-1.4 照片")
            let link = try await EvidenceLink.find(ok.id, on: app.db)
            XCTAssertEqual(link?.$report.id, report)
            let wrong = try await f.expect(.unprocessableEntity, .POST, "/api/v1/tasks/\(f.taskID)/evidence?name=a.pdf&report=\(other)",
                                           as: "responsible", "%PDF-1.4 照片")
            XCTAssertEqual(wrong.code, "evidence.reportUnknown")
        }
    }
}

final class DailyRecomputeTests: XCTestCase {
    func testServeRecomputesLightsWhenTheDayChanges() async throws {
        try await withApp { app in
            let f = try await Fixture(app, state: .inProgress)
            f.set("2019-01-01")
            app.scheduler.start(app)
            var light: WarningLight?
            for _ in 0..<40 where light == nil {
                try await Task.sleep(nanoseconds: 100_000_000)
                light = try await f.task.light
            }
            XCTAssertEqual(light, .red)
        }
    }
}

final class BodySizeTests: XCTestCase {
    func testALongNarrativeIsAcceptedAndAnOversizedBodyRefusedInChinese() async throws {
        try await withApp { app in
            let f = try await Fixture(app, state: .inProgress)
            let cookie = try await f.cookie("responsible")!
            // Over a real socket: in-memory test requests skip body collection limits.
            let server = try app.testable(method: .running(hostname: "127.0.0.1", port: Int.random(in: 41_000...49_000)))
            func post(_ narrative: String) async throws -> (HTTPStatus, String) {
                var result: (HTTPStatus, String) = (.internalServerError, "")
                try await server.test(.POST, "/api/v1/tasks/\(f.taskID)/reports", beforeRequest: { req in
                    req.signIn(cookie)
                    req.headers.contentType = .json
                    req.headers.replaceOrAdd(name: .accept, value: "application/json")
                    req.body = ByteBuffer(string: #"{"narrative":"\#(narrative)","percent":40}"#)
                }, afterResponse: { res async in result = (res.status, res.body.string) })
                return result
            }
            let long = try await post(String(repeating: "完成截污纳管工程,", count: 1_500))   // ~27 KB of UTF-8
            XCTAssertEqual(long.0, .created, long.1)
            let huge = try await post(String(repeating: "长", count: 400_000))               // ~1.2 MB
            XCTAssertEqual(huge.0, .payloadTooLarge)
            XCTAssertTrue(huge.1.contains("1 MB"), huge.1)
            let reports = try await ProgressReport.query(on: app.db).count()
            XCTAssertEqual(reports, 1)
        }
    }
}
