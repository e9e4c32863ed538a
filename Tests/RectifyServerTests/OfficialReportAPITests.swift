import Fluent
import XCTVapor
import RectifyCore
import ZIPFoundation
@testable import RectifyServer

final class OfficialReportAPITests: XCTestCase {
    func testLiaoningsReportReadsAsPublished() async throws {
        try await withApp(demo: true) { app in
            let cookies = try await app.sessionCookie(login: "office", password: "office-demo")
            try await app.test(.GET, "/api/v1/inspections/1/report?format=text", beforeRequest: { $0.headers.cookie = cookies }) { res async in
                XCTAssertEqual(res.status, .ok)
                let text = res.body.string
                XCTAssertTrue(text.contains("2017年4月25日至2017年5月25日,中央第三环境保护督察组对辽宁省开展了生态环境保护督察,并于2017年7月31日反馈了督察意见。"), text)
                XCTAssertTrue(text.contains("《整改方案》58项整改任务中,已有13项基本完成整改,38项按照序时进度有序推进,2项全面实施,5项尚未达到序时进度。"), text)
                XCTAssertTrue(text.contains("一、思想认识不到位。"), text)
                XCTAssertTrue(text.contains("整改进展情况:基本完成整改,长期坚持。"), text)
                XCTAssertTrue(text.contains("三、2015年4月"), text)
            }
            try await app.test(.GET, "/api/v1/inspections/1/report?format=html", beforeRequest: { $0.headers.cookie = cookies }) { res async in
                XCTAssertEqual(res.headers.contentType, .html)
                XCTAssertTrue(res.body.string.contains("<h1>关于第一轮中央环境保护督察(辽宁省)整改落实情况的报告</h1>"))
            }
            try await app.test(.GET, "/api/v1/inspections/1/report?format=docx", beforeRequest: { $0.headers.cookie = cookies }) { res async in
                XCTAssertEqual(res.status, .ok)
                XCTAssertEqual(res.headers.first(name: .contentType),
                               "application/vnd.openxmlformats-officedocument.wordprocessingml.document")
                let archive = try? Archive(data: Data(res.body.readableBytesView), accessMode: .read)
                var xml = Data()
                if let archive, let entry = archive["word/document.xml"] { _ = try? archive.extract(entry) { xml.append($0) } }
                let document = String(decoding: xml, as: UTF8.self)
                XCTAssertTrue(document.contains("《整改方案》58项整改任务中,已有13项基本完成整改,38项按照序时进度有序推进,2项全面实施,5项尚未达到序时进度。"))
                XCTAssertTrue(document.contains("<w:pStyle w:val=\"heading\"/></w:pPr><w:r><w:t xml:space=\"preserve\">一、思想认识不到位"))
            }
            try await app.test(.GET, "/api/v1/inspections/1/report?format=pdf", beforeRequest: { $0.headers.cookie = cookies }) { res async in
                XCTAssertEqual(res.status, .badRequest)
            }
        }
    }

    func testShanxiReportOrdersProblemsByNumberAndUnitsCannotProduceIt() async throws {
        try await withApp(demo: true) { app in
            let admin = try await app.sessionCookie(login: "admin", password: "admin-demo")
            try await app.test(.GET, "/api/v1/inspections/2/report", beforeRequest: { $0.headers.cookie = admin }) { res async in
                let text = res.body.string
                let a = text.range(of: "三十七、")!.lowerBound, b = text.range(of: "六十、")!.lowerBound
                XCTAssertLessThan(a, b)
                XCTAssertTrue(text.contains("《整改方案》24项整改任务中,已有11项完成整改,13项正在推进整改。"), text)
            }
            let unit = try await app.sessionCookie(login: "unit", password: "unit-demo")
            try await app.test(.GET, "/api/v1/inspections/1/report", beforeRequest: { $0.headers.cookie = unit }) { res async in
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
            task.progressStatus = PublicStatus.onSchedule.rawValue
            try await task.save(on: app.db)
            let round = try await f.expect(.created, .POST, "/api/v1/rounds", as: "office", #"{"name":"2018年第3次调度","dueDate":"2018-03-10"}"#)
            let roundID = round.json["roundID"] as? Int ?? -1
            try await f.expect(.ok, .POST, "/api/v1/rounds/\(roundID)/close", as: "office")
            // Afterwards the task moves on; the round's report does not.
            task.progressStatus = PublicStatus.behindSchedule.rawValue
            try await task.save(on: app.db)
            let frozen = try await f.expect(.ok, .GET, "/api/v1/inspections/\(f.inspectionID)/report?round=\(roundID)", as: "office").body
            XCTAssertTrue(frozen.contains("截至2018年第3次调度(2018年3月1日),《整改方案》1项整改任务中,已有1项按照序时进度有序推进。"), frozen)
            let live = try await f.expect(.ok, .GET, "/api/v1/inspections/\(f.inspectionID)/report", as: "office").body
            XCTAssertTrue(live.contains("1项尚未达到序时进度"), live)
            let out = try await runCommand(ReportCommand(), ["--inspection", "\(f.inspectionID)", "--round", "\(roundID)"], on: app)
            XCTAssertTrue(out.contains("已有1项按照序时进度有序推进"), out)
        }
    }
}
