import Fluent
import XCTVapor
import RectifyCore
@testable import RectifyServer

/// Issue 5 §4: a published report's text becomes a draft, the office reviews it, and
/// the reviewed draft becomes an inspection whose own report reads the same.
final class ReportImportTests: XCTestCase {
    static let published = """
        首页 > 新闻中心 > 地方动态
        山西省贯彻落实中央环境保护督察反馈意见整改情况
        《整改方案》3项整改任务中,已有1项完成整改,2项正在推进整改。
        三十七、晋中市太榆退水渠、潇河等河流污染严重。
        整改进展情况:已完成整改。
        晋中市完成退水渠截污工程。
        三十八、太原市城中村污水直排。
        整改进展情况:正在推进整改。
        太原市推进城中村改造。
        三十九、吕梁市煤矸石堆存不规范。
        整改进展情况:基本完成整改,长期坚持。
        吕梁市整治煤矸石堆场。
        【打印本页】【关闭窗口】
        """

    func testDraftReviewCreateAndTheReportReadsBack() async throws {
        try await withApp { app in
            let f = try await Fixture(app)
            let draft = try await post(f, "/api/v1/report-drafts", as: "office", text: Self.published)
            XCTAssertEqual(draft.status, .ok, draft.body)
            let result = try JSONDecoder().decode(ReportParser.Result.self, from: Data(draft.body.utf8))
            XCTAssertEqual(result.problems.map(\.number), [37, 38, 39])
            XCTAssertEqual(result.problems.map(\.status), [.completed, .inProgress, .basicallyCompleted])
            XCTAssertEqual(result.figures.tasksTotal, 3)
            // Nothing is stored by a draft.
            let inspections = try await Inspection.query(on: app.db).count()
            XCTAssertEqual(inspections, 1)

            // The office reviews: edits a text, then creates.
            var problems = result.problems.map { p -> [String: Any] in
                ["number": p.number, "text": p.text, "status": p.status.rawValue, "longTerm": p.longTerm, "measures": p.measures]
            }
            problems[1]["text"] = "太原市城中村生活污水直排汾河。"
            let body: [String: Any] = [
                "inspection": ["title": "第一轮中央环境保护督察(山西省)", "level": "central", "round": 1, "kind": "routine",
                               "team": "中央第二环境保护督察组", "targetRegionCode": 210000],
                "responsibleUnitID": f.units["responsible"]!, "deadline": "2018-12-31", "problems": problems,
            ]
            let json = String(decoding: try JSONSerialization.data(withJSONObject: body), as: UTF8.self)
            let created = try await f.expect(.created, .POST, "/api/v1/inspections/from-report", as: "office", json)
            let inspectionID = try XCTUnwrap(created.json["inspectionID"] as? Int)
            let report = try await f.expect(.ok, .GET, "/api/v1/inspections/\(inspectionID)/report", as: "office").body
            XCTAssertTrue(report.contains("《整改方案》3项整改任务中,已有1项完成整改,1项基本完成整改,1项正在推进整改。"), report)
            XCTAssertTrue(report.contains("三十七、晋中市太榆退水渠、潇河等河流污染严重。\n整改进展情况:已完成整改。"), report)
            XCTAssertTrue(report.contains("三十八、太原市城中村生活污水直排汾河。"), report)
            let t39 = try await TaskRecord.query(on: app.db).filter(\.$inspection.$id == inspectionID).filter(\.$number == 39).first()
            XCTAssertEqual(t39?.state, .accepted)
            XCTAssertEqual(t39?.kind, .longTerm)
            XCTAssertEqual(t39?.measures, "吕梁市整治煤矸石堆场。")
        }
    }

    func testBadDraftsAndCreationsChangeNothing() async throws {
        try await withApp { app in
            let f = try await Fixture(app)
            let nothing = try await post(f, "/api/v1/report-drafts", as: "office", text: "首页 > 新闻\n今天天气很好。")
            XCTAssertEqual(nothing.status, .unprocessableEntity)
            XCTAssertEqual(nothing.code, "report.nothingRecognised")
            let unit = try await post(f, "/api/v1/report-drafts", as: "responsible", text: Self.published)
            XCTAssertEqual(unit.status, .forbidden)

            let before = try await f.fingerprint()
            // No deadline for a task that is not long-term, and a number twice: refused whole.
            let body = """
                {"inspection":{"title":"x","level":"central","round":1,"kind":"routine","team":"t","targetRegionCode":210000},
                 "responsibleUnitID":\(f.units["responsible"]!),
                 "problems":[{"number":1,"text":"a","status":"inProgress","longTerm":false,"measures":""},
                             {"number":2,"text":"b","status":"completed","longTerm":true,"measures":""}]}
                """
            let refused = try await f.expect(.unprocessableEntity, .POST, "/api/v1/inspections/from-report", as: "office", body)
            XCTAssertTrue(refused.body.contains("task.deadlineRequired"), refused.body)
            let foreign = body.replacingOccurrences(of: "210000", with: "140000")
            try await f.expect(.forbidden, .POST, "/api/v1/inspections/from-report", as: "office", foreign)
            let after = try await f.fingerprint()
            XCTAssertEqual(after, before)
            let inspections = try await Inspection.query(on: app.db).count()
            XCTAssertEqual(inspections, 1)
        }
    }

    func post(_ f: Fixture, _ path: String, as login: String, text: String) async throws -> Fixture.Reply {
        let cookie = try await f.cookie(login)
        var reply = Fixture.Reply(status: .internalServerError, body: "")
        try await f.app.test(.POST, path, beforeRequest: { req in
            req.signIn(cookie)
            req.headers.replaceOrAdd(name: .accept, value: "application/json")
            req.headers.contentType = .plainText
            req.body = ByteBuffer(string: text)
        }, afterResponse: { res async in reply = Fixture.Reply(status: res.status, body: res.body.string) })
        return reply
    }
}
