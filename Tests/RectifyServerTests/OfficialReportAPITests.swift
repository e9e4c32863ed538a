import Fluent
import SQLKit
import XCTVapor
import RectifyCore
import ZIPFoundation
@testable import RectifyServer

final class OfficialReportAPITests: XCTestCase {
    func testLiaoningsReportReadsAsPublished() async throws {
        try await withApp(demo: true) { app in
            // The statuses as loaded from the published report read back in its words. (Served,
            // they are recomputed for the day first: see testAServedReportAgreesWithTheLedger.)
            let loaded = try await OfficialReportBuilder.build(inspectionID: 1, roundID: nil, access: .system,
                                                               today: app.clock.today, on: app.db)
            XCTAssertTrue(loaded.text.contains("《整改方案》58项整改任务中,已有13项基本完成整改,38项按照序时进度有序推进,2项全面实施,5项尚未达到序时进度。"), loaded.text)
            app.clock = .fixed(LocalDate(iso: "2018-01-10")!)
            let cookies = try await app.sessionCookie(login: "office", password: "office-demo")
            try await app.test(.GET, "/api/v1/inspections/1/report?format=text", beforeRequest: { $0.signIn(cookies) }) { res async in
                XCTAssertEqual(res.status, .ok)
                let text = res.body.string
                XCTAssertTrue(text.contains("2017年4月25日至2017年5月25日,中央第三环境保护督察组对辽宁省开展了生态环境保护督察,并于2017年7月31日反馈了督察意见。"), text)
                XCTAssertTrue(text.contains("《整改方案》58项整改任务中,已有13项基本完成整改"), text)
                XCTAssertTrue(text.contains("一、思想认识不到位。"), text)
                XCTAssertTrue(text.contains("整改进展情况:基本完成整改,长期坚持。"), text)
                XCTAssertTrue(text.contains("三、2015年4月"), text)
            }
            try await app.test(.GET, "/api/v1/inspections/1/report?format=html", beforeRequest: { $0.signIn(cookies) }) { res async in
                XCTAssertEqual(res.headers.contentType, .html)
                XCTAssertTrue(res.body.string.contains("<h1>关于第一轮中央环境保护督察(辽宁省)整改落实情况的报告</h1>"))
            }
            try await app.test(.GET, "/api/v1/inspections/1/report?format=docx", beforeRequest: { $0.signIn(cookies) }) { res async in
                XCTAssertEqual(res.status, .ok)
                XCTAssertEqual(res.headers.first(name: .contentType),
                               "application/vnd.openxmlformats-officedocument.wordprocessingml.document")
                let archive = try? Archive(data: Data(res.body.readableBytesView), accessMode: .read)
                var xml = Data()
                if let archive, let entry = archive["word/document.xml"] { _ = try? archive.extract(entry) { xml.append($0) } }
                let document = String(decoding: xml, as: UTF8.self)
                XCTAssertTrue(document.contains("《整改方案》58项整改任务中,已有13项基本完成整改"))
                XCTAssertTrue(document.contains("<w:pStyle w:val=\"heading\"/></w:pPr><w:r><w:t xml:space=\"preserve\">一、思想认识不到位"))
            }
            try await app.test(.GET, "/api/v1/inspections/1/report?format=pdf", beforeRequest: { $0.signIn(cookies) }) { res async in
                XCTAssertEqual(res.status, .badRequest)
            }
        }
    }

    func testAServedReportAgreesWithTheLedger() async throws {
        try await withApp(demo: true) { app in
            app.clock = .fixed(LocalDate(iso: "2019-06-30")!)
            let cookies = try await app.sessionCookie(login: "office", password: "office-demo")
            var text = ""
            try await app.test(.GET, "/api/v1/inspections/1/report?format=text", beforeRequest: { $0.signIn(cookies) }) { res async in
                text = res.body.string
            }
            var counts: [PublicStatus: Int] = [:]
            // The plan's tasks: their parts (issue 14) roll up into them and are not counted again.
            for t in try await TaskRecord.query(on: app.db).filter(\.$inspection.$id == 1).filter(\.$parentTask.$id == nil).all() {
                if let s = t.progressStatus { counts[s, default: 0] += 1 }
            }
            XCTAssertTrue(text.contains(OfficialReport.countSentence(total: 58, counts: counts)), text)
        }
    }

    func testShanxiReportOrdersProblemsByNumberAndUnitsCannotProduceIt() async throws {
        try await withApp(demo: true) { app in
            let admin = try await app.sessionCookie(login: "admin", password: "admin-demo")
            try await app.test(.GET, "/api/v1/inspections/2/report", beforeRequest: { $0.signIn(admin) }) { res async in
                let text = res.body.string
                let a = text.range(of: "三十七、")!.lowerBound, b = text.range(of: "六十、")!.lowerBound
                XCTAssertLessThan(a, b)
                XCTAssertTrue(text.contains("《整改方案》24项整改任务中,已有11项完成整改"), text)
            }
            let unit = try await app.sessionCookie(login: "unit", password: "unit-demo")
            try await app.test(.GET, "/api/v1/inspections/1/report", beforeRequest: { $0.signIn(unit) }) { res async in
                XCTAssertEqual(res.status, .notFound)
            }
        }
    }

    func testAClosedRoundsReportKeepsItsFrozenFigures() async throws {
        try await withApp { app in
            let f = try await Fixture(app, state: .inProgress)
            let problem = try await Store(db: app.db).createProblem(inspectionID: f.inspectionID,
                                                                     ProblemDraft(number: 1, text: "实施方案出台滞后。"))
            try await TaskProblem(taskID: f.taskID, problemID: problem.id!).create(on: app.db)
            let task = try await f.task
            task.progressStatus = .onSchedule
            try await task.save(on: app.db)
            let round = try await f.expect(.created, .POST, "/api/v1/rounds", as: "office", #"{"name":"2018年第3次调度","dueDate":"2018-03-10"}"#)
            let roundID = round.json["roundID"] as? Int ?? -1
            try await f.expect(.ok, .POST, "/api/v1/rounds/\(roundID)/close", as: "office")
            // Afterwards the task moves on; the round's report does not.
            task.progressStatus = .behindSchedule
            try await task.save(on: app.db)
            let frozen = try await f.expect(.ok, .GET, "/api/v1/inspections/\(f.inspectionID)/report?round=\(roundID)", as: "office").body
            XCTAssertTrue(frozen.contains("截至2018年第3次调度(2018年3月1日),《整改方案》1项整改任务中,已有1项按照序时进度有序推进。"), frozen)
            let live = try await f.expect(.ok, .GET, "/api/v1/inspections/\(f.inspectionID)/report", as: "office").body
            XCTAssertTrue(live.contains("1项尚未达到序时进度"), live)
            let out = try await runCommand(ReportCommand(), ["--inspection", "\(f.inspectionID)", "--round", "\(roundID)"], on: app)
            XCTAssertTrue(out.contains("已有1项按照序时进度有序推进"), out)
        }
    }

    /// The ledger as it stood at the end of a chosen day, rebuilt from the audit trail
    /// (changes by people and by the daily recompute alike).
    func testAReportAsOfAChosenDate() async throws {
        try await withApp { app in
            let f = try await Fixture(app, state: .inProgress)
            let problem = try await Store(db: app.db).createProblem(inspectionID: f.inspectionID,
                                                                     ProblemDraft(number: 1, text: "实施方案出台滞后。"))
            try await TaskProblem(taskID: f.taskID, problemID: problem.id!).create(on: app.db)
            // The fixture's task existed from February 2018 (its timestamp is the machine's clock).
            let sql = app.db as! any SQLDatabase
            try await sql.raw("UPDATE tasks SET created_at = \(bind: OfficialReportBuilder.endOfDay(LocalDate(iso: "2018-02-01")!))").run()
            f.set("2018-03-10")
            let report = try await f.expect(.created, .POST, "/api/v1/tasks/\(f.taskID)/reports", as: "responsible",
                                            #"{"narrative":"完成方案初稿","percent":30}"#).id
            try await f.expect(.ok, .POST, "/api/v1/reports/\(report)/review", as: "office", #"{"decision":"accept"}"#)
            let march = try await f.task.progressStatus
            // July: the June milestone was missed; the daily recompute turns the task behind schedule.
            f.set("2018-07-02")
            _ = try await TaskAssessment.recomputeAll(on: app.db, today: LocalDate(iso: "2018-07-02")!, now: app.clock.now())
            let july = try await f.task.progressStatus
            XCTAssertEqual(july, .behindSchedule)
            XCTAssertNotEqual(march, july)

            func text(_ query: String) async throws -> String {
                try await f.expect(.ok, .GET, "/api/v1/inspections/\(f.inspectionID)/report?\(query)", as: "office").body
            }
            let inMarch = try await text("date=2018-03-31")
            let marchWords = try XCTUnwrap(march)
            XCTAssertTrue(inMarch.contains("截至2018年3月31日,《整改方案》1项整改任务中"), inMarch)
            XCTAssertTrue(inMarch.contains(OfficialReport.countSentence(total: 1, counts: [marchWords: 1])), inMarch)
            XCTAssertTrue(inMarch.contains("完成方案初稿"), inMarch)
            let inJuly = try await text("date=2018-07-02")
            XCTAssertTrue(inJuly.contains("1项尚未达到序时进度"), inJuly)
            // Before the task existed: no tasks.
            let january = try await text("date=2018-01-15")
            XCTAssertTrue(january.contains("《整改方案》0项整改任务"), january)
            XCTAssertFalse(january.contains("完成方案初稿"))
            // Before the report was submitted, no narrative.
            let early = try await text("date=2018-03-05")
            XCTAssertFalse(early.contains("完成方案初稿"), early)

            let future = try await f.expect(.unprocessableEntity, .GET, "/api/v1/inspections/\(f.inspectionID)/report?date=2018-07-03", as: "office")
            XCTAssertEqual(future.code, "report.dateInFuture")
            try await f.expect(.badRequest, .GET, "/api/v1/inspections/\(f.inspectionID)/report?date=2018年7月", as: "office")
            let out = try await runCommand(ReportCommand(), ["--inspection", "\(f.inspectionID)", "--date", "2018-07-02"], on: app)
            XCTAssertTrue(out.contains("截至2018年7月2日"), out)
            // The recompute left its mark in the audit trail, and the chain holds.
            let recomputed = try await AuditEvent.query(on: app.db).filter(\.$action == "task.recompute").count()
            XCTAssertGreaterThanOrEqual(recomputed, 1)
            let verification = try await Audit.verify(on: app.db)
            XCTAssertNil(verification.firstBroken)
        }
    }
}
