import Fluent
import SQLKit
import Foundation
import XCTVapor
import RectifyCore
import RectifyOffice
@testable import RectifyServer

/// Petition cases (issue 13 §1, §3): batches, cases, their handling, repeats, and the
/// complainant's particulars kept to the office and the case's units.
final class PetitionTests: XCTestCase {
    /// A task finds its cases by the task's index, even where most cases belong to no task (the
    /// NULLs made a whole-column index look useless, and the task page read the region's cases).
    func testATaskFindsItsCasesByItsIndexWhenMostCasesHaveNoTask() async throws {
        try await withApp { app in
            let f = try await Fixture(app, state: .inProgress)
            let sql = try XCTUnwrap(app.db as? any SQLDatabase)
            guard sql.dialect.name == "sqlite" else { throw XCTSkip("a SQLite query plan") }
            let first = try await RoleMatrixTests.petitionCase(f)
            struct Column: Decodable { let name: String }
            let columns = try await sql.raw("SELECT name FROM pragma_table_info('petition_cases')").all(decoding: Column.self)
                .map(\.name).filter { $0 != "id" && $0 != "case_number" }.map { "\"\($0)\"" }.joined(separator: ", ")
            for round in 1...11 {
                try await sql.raw("""
                    INSERT INTO petition_cases (case_number, \(unsafeRaw: columns)) \
                    SELECT case_number || '-\(unsafeRaw: String(round))', \(unsafeRaw: columns) FROM petition_cases
                    """).run()
            }
            try await sql.raw("UPDATE petition_cases SET task_id = CASE WHEN id = \(bind: try first.requireID()) THEN \(bind: f.taskID) END").run()
            let officeUser = try await User.query(on: app.db).filter(\.$login == "office").first()
            let office = try await Access.load(try XCTUnwrap(officeUser), on: app.db)
            // One connection: the statistics ANALYZE gathers are what the plan is made with.
            let plan = try await app.db.transaction { tx -> [String] in
                let sql = try XCTUnwrap(tx as? any SQLDatabase)
                try await sql.raw("ANALYZE").run()
                struct Step: Decodable { let detail: String }
                return try await sql.raw("""
                    EXPLAIN QUERY PLAN SELECT c.id FROM petition_cases c WHERE c.task_id = \(bind: f.taskID) \
                    AND \(PetitionAccess(access: office).scope)
                    """).all(decoding: Step.self).map(\.detail)
            }
            XCTAssertTrue(plan.contains { $0.contains("petition_cases_task") }, plan.joined(separator: "\n"))
        }
    }

    static func batch(_ f: Fixture, number: Int = 1) async throws -> Int {
        try await f.expect(.created, .POST, "/api/v1/petition-batches", as: "office",
                           #"{"inspectionID":\#(f.inspectionID),"number":\#(number),"handedOverOn":"2018-02-01","replyBy":"2018-03-15"}"#).id
    }

    static func petition(_ f: Fixture, batch: Int, number: String = "D3LN201802010001", place: String = "葫芦岛市连山区某化工厂",
                         complainant: String = #","complainant":{"name":"李四","phone":"13911112222","idNumber":"210102199001011234","address":"连山区某街道"}"#) async throws -> Int {
        try await f.expect(.created, .POST, "/api/v1/petition-cases", as: "office", """
            {"batchID":\(batch),"caseNumber":"\(number)","place":"\(place)","regionCode":210000,"complaint":"夜间排放刺鼻废气",\
            "pollutionKinds":["air"],"keyCase":true,"unitIDs":[\(f.units["responsible"]!)]\(complainant)}
            """).id
    }

    func testTheComplainantIsSeenOnlyByTheOfficeAndTheCasesUnit() async throws {
        try await withApp { app in
            let f = try await Fixture(app, state: .inProgress)
            let b = try await Self.batch(f)
            let id = try await Self.petition(f, batch: b)
            for login in ["office", "responsible"] {
                let detail = try await f.expect(.ok, .GET, "/api/v1/petition-cases/\(id)", as: login)
                XCTAssertTrue(detail.body.contains("13911112222"), "\(login) sees the complainant")
                let list = try await f.expect(.ok, .GET, "/api/v1/petition-cases", as: login)
                XCTAssertTrue(list.body.contains("13911112222"), "\(login) sees the complainant in the list")
            }
            // A leader and the admin read the case, never the complainant.
            for login in ["leader", "admin"] {
                let detail = try await f.expect(.ok, .GET, "/api/v1/petition-cases/\(id)", as: login)
                XCTAssertTrue(detail.body.contains("夜间排放刺鼻废气"))
                for secret in ["13911112222", "李四", "210102199001011234", "连山区某街道"] {
                    XCTAssertFalse(detail.body.contains(secret), "\(login) sees \(secret)")
                }
                XCTAssertNil(detail.json["complainant"] as? [String: Any])
                let list = try await f.expect(.ok, .GET, "/api/v1/petition-cases", as: login)
                XCTAssertFalse(list.body.contains("13911112222"), "\(login) list")
            }
            // Anyone else: not there at all.
            for login in ["cooperating", "stranger", "acceptor", "foreignOffice"] {
                _ = try await f.expect(.notFound, .GET, "/api/v1/petition-cases/\(id)", as: login)
                let list = try await f.expect(.ok, .GET, "/api/v1/petition-cases", as: login)
                XCTAssertEqual(list.json["total"] as? Int, 0, login)
            }
            _ = try await f.expect(.unauthorized, .GET, "/api/v1/petition-cases/\(id)", as: "anonymous")
            // Pages: the unit's shows it, the leader's does not; the audit trail and the public never.
            let unitPage = try await f.expect(.ok, .GET, "/petitions/\(id)", as: "responsible")
            XCTAssertTrue(unitPage.body.contains("13911112222"))
            let leaderPage = try await f.expect(.ok, .GET, "/petitions/\(id)", as: "leader")
            XCTAssertFalse(leaderPage.body.contains("13911112222"))
            XCTAssertFalse(leaderPage.body.contains("李四"))
            let trail = try await AuditEvent.query(on: app.db).filter(\.$recordType == "petition_case").all()
            XCTAssertFalse(trail.isEmpty)
            XCTAssertFalse(trail.contains { ($0.afterJSON ?? "").contains("13911112222") || ($0.afterJSON ?? "").contains("李四") })
            let inbox = try await f.expect(.ok, .GET, "/api/v1/notifications", as: "responsible")
            XCTAssertTrue(inbox.body.contains("petitionAssigned"))
            XCTAssertFalse(inbox.body.contains("13911112222"))
        }
    }

    func testHandlingMovesForwardWithWhatEachStepNeedsAndBadInputChangesNothing() async throws {
        try await withApp { app in
            let f = try await Fixture(app, state: .inProgress)
            let id = try await Self.petition(f, batch: try await Self.batch(f))
            let path = "/api/v1/petition-cases/\(id)/progress"
            let before = try await f.fingerprint()
            let noFinding = try await f.expect(.unprocessableEntity, .POST, path, as: "responsible", #"{"version":1,"status":"handling"}"#)
            XCTAssertTrue(noFinding.body.contains("petition.findingRequired"), noFinding.body)
            let hugeFine = try await f.expect(.unprocessableEntity, .POST, path, as: "responsible",
                                              #"{"version":1,"status":"handling","finding":"founded","findings":"属实","fineYuan":99999999999}"#)
            XCTAssertTrue(hugeFine.body.contains("petition.fineInvalid"), hugeFine.body)
            _ = try await f.expect(.forbidden, .POST, path, as: "leader", #"{"version":1,"status":"handling","finding":"founded","findings":"x"}"#)
            let after = try await f.fingerprint()
            XCTAssertEqual(before, after)
            let handling = try await f.expect(.ok, .POST, path, as: "responsible",
                                              #"{"version":1,"status":"handling","finding":"founded","findings":"现场核查属实,企业夜间偷排"}"#)
            XCTAssertEqual(handling.json["status"] as? String, "handling")
            // A stale version is a conflict; going back is refused; a conclusion needs the measures.
            _ = try await f.expect(.conflict, .POST, path, as: "office", #"{"version":1,"status":"concluded","measures":"已处罚"}"#)
            let back = try await f.expect(.unprocessableEntity, .POST, path, as: "office", #"{"version":2,"status":"pending"}"#)
            XCTAssertTrue(back.body.contains("petition.backwards"), back.body)
            let noMeasures = try await f.expect(.unprocessableEntity, .POST, path, as: "office", #"{"version":2,"status":"concluded"}"#)
            XCTAssertTrue(noMeasures.body.contains("petition.measuresRequired"), noMeasures.body)
            let done = try await f.expect(.ok, .POST, path, as: "office", """
                {"version":2,"status":"concluded","measures":"责令停产整改,立案处罚","finedCompanies":1,"fineYuan":200000,"followUp":"satisfied"}
                """)
            XCTAssertEqual(done.json["status"] as? String, "concluded")
            XCTAssertEqual(done.json["concludedOn"] as? String, "2018-03-01")
            XCTAssertEqual(done.json["fineYuan"] as? Int, 200000)
            // The report states the petition figures as they stand.
            let report = try await f.expect(.ok, .GET, "/api/v1/inspections/\(f.inspectionID)/report", as: "office")
            XCTAssertTrue(report.body.contains("督察组交办的1件群众信访举报件,已办结1件;立案处罚1家,罚款20万元。"), report.body)
            let page = try await f.expect(.ok, .GET, "/petitions", as: "office")
            XCTAssertTrue(page.body.contains("办结率 100%"), page.body)
            let again = try await f.expect(.unprocessableEntity, .POST, path, as: "office", #"{"version":3,"status":"concluded","measures":"x"}"#)
            XCTAssertTrue(again.body.contains("petition.concluded"), again.body)
            let events = try await AuditEvent.query(on: app.db).filter(\.$action == "petition.progress").count()
            XCTAssertEqual(events, 2)
        }
    }

    func testTheSamePlaceComplainedOfAgainIsFlaggedWithTheEarlierCases() async throws {
        try await withApp { app in
            let f = try await Fixture(app, state: .inProgress)
            let first = try await Self.petition(f, batch: try await Self.batch(f, number: 1), place: "葫芦岛市 连山区某化工厂")
            let second = try await Self.petition(f, batch: try await Self.batch(f, number: 2), number: "X3LN201803010002",
                                                 place: "葫芦岛市连山区某化工厂。", complainant: "")
            let other = try await Self.petition(f, batch: try await Self.batch(f, number: 3), number: "D3LN201803050003", place: "兴城市某养殖场")
            let detail = try await f.expect(.ok, .GET, "/api/v1/petition-cases/\(second)", as: "office")
            XCTAssertEqual(detail.json["repeatOf"] as? [Int], [first])
            XCTAssertEqual(detail.json["source"] as? String, "letter")
            let unrelated = try await f.expect(.ok, .GET, "/api/v1/petition-cases/\(other)", as: "office")
            XCTAssertEqual(unrelated.json["repeatOf"] as? [Int], [])
            let inbox = try await f.expect(.ok, .GET, "/api/v1/notifications", as: "office")
            XCTAssertTrue(inbox.body.contains("petitionRepeat"), inbox.body)
            let page = try await f.expect(.ok, .GET, "/petitions/\(second)", as: "office")
            XCTAssertTrue(page.body.contains("重复举报"))
            // Batches list with their counts by status.
            let batches = try await f.expect(.ok, .GET, "/api/v1/petition-batches", as: "office")
            XCTAssertEqual(batches.json["total"] as? Int, 3)
            let list = try await f.expect(.ok, .GET, "/petitions", as: "office")
            XCTAssertTrue(list.body.contains("第2批"))
            _ = try await f.expect(.conflict, .POST, "/api/v1/petition-batches", as: "office",
                                   #"{"inspectionID":\#(f.inspectionID),"number":1,"handedOverOn":"2018-02-01","replyBy":"2018-03-15"}"#)
        }
    }

    func testTheHandlingListHasThePublishedColumnsAndTheComplainantNowhere() async throws {
        try await withApp { app in
            let f = try await Fixture(app, state: .inProgress)
            let b = try await Self.batch(f)
            let done = try await Self.petition(f, batch: b)
            _ = try await Self.petition(f, batch: b, number: "D3LN201802010002", place: "兴城市某砖厂")
            _ = try await f.expect(.ok, .POST, "/api/v1/petition-cases/\(done)/progress", as: "office", """
                {"version":1,"status":"concluded","finding":"founded","findings":"属实,夜间偷排","measures":"责令停产整改 & 罚款","heldToAccount":2,"summoned":1}
                """)
            var data = Data()
            let cookie = try await f.cookie("office")
            try await app.test(.GET, "/api/v1/petition-batches/\(b)/handling-list", beforeRequest: { $0.signIn(cookie) }) { res async in
                XCTAssertEqual(res.status, .ok)
                data = Data(buffer: res.body)
            }
            let rows = try XLSXReader.rows(data)
            XCTAssertEqual(rows.first?.cells, HandlingList.headers)
            XCTAssertEqual(rows.count, 3, "the office's list has both cases")
            let first = try XCTUnwrap(rows.dropFirst().first?.cells)
            XCTAssertEqual(first[1], "D3LN201802010001")
            XCTAssertEqual(first[6], "属实")
            XCTAssertEqual(first[7], "责令停产整改 & 罚款")
            XCTAssertEqual(first[8], "约谈1人、问责2人")
            let all = rows.flatMap(\.cells).joined()
            XCTAssertFalse(all.contains("13911112222") || all.contains("李四") || all.contains("210102199001011234"))
            let html = try await f.expect(.ok, .GET, "/api/v1/petition-batches/\(b)/handling-list?format=html", as: "leader")
            XCTAssertTrue(html.body.contains("办理情况一览表"))
            XCTAssertFalse(html.body.contains("13911112222"))
            _ = try await f.expect(.notFound, .GET, "/api/v1/petition-batches/\(b)/handling-list", as: "stranger")
            _ = try await f.expect(.badRequest, .GET, "/api/v1/petition-batches/\(b)/handling-list?format=pdf", as: "office")
            // The public sees the handled case only.
            let portal = try await f.expect(.ok, .GET, "/public/petition-batches/\(b)", as: "anonymous")
            XCTAssertTrue(portal.body.contains("D3LN201802010001"))
            XCTAssertFalse(portal.body.contains("D3LN201802010002"), "a case still being handled is not published")
            XCTAssertFalse(portal.body.contains("13911112222"))
            XCTAssertFalse(portal.body.contains("李四"))
        }
    }

    func testABatchListImportsOnceInOneTransactionAfterAPreview() async throws {
        try await withApp { app in
            let f = try await Fixture(app, state: .inProgress)
            let b = try await Self.batch(f)
            let unit = "辽宁省发展和改革委员会"
            let bad = #"""
                第1批交办信访件清单
                序号,受理编号,交办问题基本情况,被举报对象,行政区域,污染类型,是否重点,办理单位,举报人,联系电话
                1,D3LN0001,夜间偷排废气,某化工厂,辽宁省,大气,是,\#(unit),王五,13700001111
                2,X3LN0002,"河道垃圾堆放,""黑臭""",某河段,辽宁省,"水、固废",,\#(unit),,
                3,D3LN0003,砖厂冒黑烟,某砖厂,辽宁省,光污染,,不存在的单位,,
                """#
            let preview = try await f.expect(.ok, .POST, "/api/v1/petition-batches/\(b)/import/preview", as: "office", bad)
            XCTAssertEqual(preview.json["create"] as? Int, 2)
            XCTAssertEqual(preview.json["errors"] as? Int, 1)
            XCTAssertTrue(preview.body.contains("不存在的单位"), preview.body)
            XCTAssertTrue(preview.body.contains("光污染"), preview.body)
            let before = try await f.fingerprint()
            let refused = try await f.expect(.unprocessableEntity, .POST, "/api/v1/petition-batches/\(b)/import", as: "office", bad)
            XCTAssertEqual(refused.code, "petitionImport.rowsInvalid")
            let after = try await f.fingerprint()
            XCTAssertEqual(before, after, "a refused import writes nothing")
            let good = bad.replacingOccurrences(of: "光污染,,不存在的单位", with: "大气,,\(unit)")
            let applied = try await f.expect(.ok, .POST, "/api/v1/petition-batches/\(b)/import", as: "office", good)
            XCTAssertEqual(applied.json["create"] as? Int, 3)
            XCTAssertEqual(applied.json["applied"] as? Bool, true)
            let cases = try await PetitionCase.query(on: app.db).sort(\.$id).all()
            XCTAssertEqual(cases.map(\.caseNumber), ["D3LN0001", "X3LN0002", "D3LN0003"])
            XCTAssertEqual(cases[0].complainantPhone, "13700001111")
            XCTAssertTrue(cases[0].keyCase)
            XCTAssertEqual(cases[1].pollutionKinds, [.water, .solidWaste])
            XCTAssertEqual(cases[1].complaint, #"河道垃圾堆放,"黑臭""#)
            // The same file again adds nothing.
            let again = try await f.expect(.ok, .POST, "/api/v1/petition-batches/\(b)/import", as: "office", good)
            XCTAssertEqual(again.json["exists"] as? Int, 3)
            XCTAssertEqual(again.json["create"] as? Int, 0)
            let count = try await PetitionCase.query(on: app.db).count()
            XCTAssertEqual(count, 3)
            // Units may not import; a file without the headings is refused.
            _ = try await f.expect(.forbidden, .POST, "/api/v1/petition-batches/\(b)/import/preview", as: "responsible", good)
            let noHeader = try await f.expect(.unprocessableEntity, .POST, "/api/v1/petition-batches/\(b)/import/preview", as: "office", "a,b\n1,2")
            XCTAssertTrue(noHeader.body.contains("petitionSheet.noHeader"), noHeader.body)
        }
    }

    func testACaseLinksToATaskOfItsInspectionAndTheTaskPageListsIt() async throws {
        try await withApp { app in
            let f = try await Fixture(app, state: .inProgress)
            let id = try await Self.petition(f, batch: try await Self.batch(f))
            let path = "/api/v1/petition-cases/\(id)/task"
            let before = try await f.fingerprint()
            _ = try await f.expect(.forbidden, .POST, path, as: "responsible", #"{"version":1,"taskID":\#(f.taskID)}"#)
            _ = try await f.expect(.notFound, .POST, path, as: "stranger", #"{"version":1,"taskID":\#(f.taskID)}"#)
            let foreign = try await f.expect(.unprocessableEntity, .POST, path, as: "office", #"{"version":1,"taskID":999999}"#)
            XCTAssertTrue(foreign.body.contains("petition.taskUnknown"), foreign.body)
            _ = try await f.expect(.conflict, .POST, path, as: "office", #"{"version":7,"taskID":\#(f.taskID)}"#)
            let unchanged = try await f.fingerprint()
            XCTAssertEqual(before, unchanged, "refused links change nothing")
            let linked = try await f.expect(.ok, .POST, path, as: "office", #"{"version":1,"taskID":\#(f.taskID)}"#)
            XCTAssertEqual(linked.json["taskID"] as? Int, f.taskID)
            XCTAssertEqual(linked.json["version"] as? Int, 2)
            // The task's page lists the case (never who complained) and its timeline the link.
            let page = try await f.expect(.ok, .GET, "/tasks/\(f.taskID)", as: "responsible")
            XCTAssertTrue(page.body.contains("关联的信访举报件(1 件)"), page.body)
            XCTAssertTrue(page.body.contains("D3LN201802010001"))
            XCTAssertTrue(page.body.contains("信访件关联整改任务"))
            XCTAssertFalse(page.body.contains("13911112222"))
            // A unit of the task that is not the case's reads the task, not the case.
            let cooperating = try await f.expect(.ok, .GET, "/tasks/\(f.taskID)", as: "cooperating")
            XCTAssertFalse(cooperating.body.contains("D3LN201802010001"), "the linked case is listed only to those who may read it")
            // The office links and unlinks from the case's page too.
            let casePage = try await f.expect(.ok, .GET, "/petitions/\(id)", as: "office")
            XCTAssertTrue(casePage.body.contains("保存关联"))
            let unitPage = try await f.expect(.ok, .GET, "/petitions/\(id)", as: "responsible")
            XCTAssertFalse(unitPage.body.contains("保存关联"))
            _ = try await f.expect(.ok, .POST, path, as: "office", #"{"version":2,"taskID":null}"#)
            let after = try await f.expect(.ok, .GET, "/tasks/\(f.taskID)", as: "office")
            XCTAssertFalse(after.body.contains("关联的信访举报件"))
            let events = try await AuditEvent.query(on: app.db).filter(\.$action == "petition.link").count()
            XCTAssertEqual(events, 2)
        }
    }

    /// The report's petition sentence is true for its date: as of a past day it is rebuilt
    /// from the audit trail; for a closed round it is what the round froze.
    func testTheReportStatesThePetitionFiguresOfItsDateAndRound() async throws {
        try await withApp { app in
            let f = try await Fixture(app, state: .inProgress)
            let b = try await Self.batch(f)
            let first = try await Self.petition(f, batch: b)                                   // 2018-03-01
            f.set("2018-03-05")
            _ = try await f.expect(.ok, .POST, "/api/v1/petition-cases/\(first)/progress", as: "office", """
                {"version":1,"status":"concluded","finding":"founded","findings":"属实","measures":"停产整治","orderedRectification":true,\
                "finedCompanies":1,"fineYuan":356000}
                """)
            f.set("2018-03-06")
            let round = try await f.expect(.created, .POST, "/api/v1/rounds", as: "office", #"{"name":"2018年第3次调度","dueDate":"2018-03-10"}"#)
            let roundID = try XCTUnwrap(round.json["roundID"] as? Int)
            _ = try await f.expect(.ok, .POST, "/api/v1/rounds/\(roundID)/close", as: "office")
            f.set("2018-03-07")
            _ = try await Self.petition(f, batch: b, number: "D3LN201802010002", place: "兴城市某砖厂")
            let report = "/api/v1/inspections/\(f.inspectionID)/report"
            let live = try await f.expect(.ok, .GET, report, as: "office")
            XCTAssertTrue(live.body.contains("督察组交办的2件群众信访举报件,已办结1件;责令整改1件,立案处罚1家,罚款35.6万元。"), live.body)
            let past = try await f.expect(.ok, .GET, report + "?date=2018-03-02", as: "office")
            XCTAssertTrue(past.body.contains("督察组交办的1件群众信访举报件,已办结0件。"), past.body)
            let frozen = try await f.expect(.ok, .GET, report + "?round=\(roundID)", as: "office")
            XCTAssertTrue(frozen.body.contains("督察组交办的1件群众信访举报件,已办结1件;责令整改1件,立案处罚1家,罚款35.6万元。"), frozen.body)
            // The handling list says 责令整改 where the measures do not.
            let html = try await f.expect(.ok, .GET, "/api/v1/petition-batches/\(b)/handling-list?format=html", as: "office")
            XCTAssertTrue(html.body.contains("责令整改;停产整治"), html.body)
        }
    }

    /// The dashboard counts the cases in the user's scope; the portal gives the counts and
    /// the handled cases' lists, never who complained.
    func testTheDashboardAndThePortalShowTheCasesFigures() async throws {
        try await withApp { app in
            let f = try await Fixture(app, state: .inProgress)
            let b = try await Self.batch(f)                                                    // reply by 2018-03-15
            let onTime = try await Self.petition(f, batch: b)
            _ = try await Self.petition(f, batch: b, number: "D3LN201802010002", place: "葫芦岛市连山区某化工厂 ")  // a repeat, key
            _ = try await Self.petition(f, batch: b, number: "D3LN201802010003", place: "兴城市某砖厂")
            _ = try await f.expect(.ok, .POST, "/api/v1/petition-cases/\(onTime)/progress", as: "office", """
                {"version":1,"status":"concluded","finding":"founded","findings":"属实","measures":"停产整治"}
                """)
            _ = try await f.expect(.created, .POST, "/api/v1/accountability-cases", as: "discipline",
                                   #"{"inspectionID":\#(f.inspectionID),"source":"team","summary":"不作为","receivedOn":"2018-02-01","petitionIDs":[\#(onTime)]}"#)
            f.set("2018-03-20")
            let dashboard = try await f.expect(.ok, .GET, "/", as: "office")
            let text = dashboard.body
            XCTAssertTrue(text.contains("信访举报件"), text)
            // 3 cases: 1 concluded on time, 2 open past their due date; one repeat; both open ones are key cases.
            for (label, value) in [("交办", "3"), ("办结率", "33%"), ("按期办结率", "33%"), ("逾期未办结", "2"),
                                   ("重点案件未办结", "2"), ("重复举报", "1")] {
                XCTAssertTrue(text.contains("<th scope=\"row\">\(label)</th><td class=\"num\">\(value)</td>"), "\(label) \(value)")
            }
            // A unit's dashboard counts its own cases only; a stranger's none.
            let stranger = try await f.expect(.ok, .GET, "/", as: "stranger")
            XCTAssertFalse(stranger.body.contains("按期办结率"))
            // The portal: the sentence on the home page, the batches with their lists, no complainant.
            let home = try await f.expect(.ok, .GET, "/public", as: "anonymous")
            XCTAssertTrue(home.body.contains("督察组交办的3件群众信访举报件,已办结1件。"), home.body)
            let portal = try await f.expect(.ok, .GET, "/public/inspections/\(f.inspectionID)/petitions", as: "anonymous")
            XCTAssertTrue(portal.body.contains("办结率 33%"), portal.body)
            XCTAssertTrue(portal.body.contains("/public/petition-batches/\(b)"))
            XCTAssertFalse(portal.body.contains("13911112222") || portal.body.contains("李四"))
            _ = try await f.expect(.notFound, .GET, "/public/inspections/999999/petitions", as: "anonymous")
        }
    }

    /// A dispatch round collects case progress: every case not concluded when it opened
    /// owes one report of its handling; the round freezes who reported.
    func testADispatchRoundCollectsTheHandlingOfOpenCases() async throws {
        try await withApp { app in
            let f = try await Fixture(app, state: .inProgress)
            let b = try await Self.batch(f)
            let open = try await Self.petition(f, batch: b)                                                   // 2018-03-01
            let done = try await Self.petition(f, batch: b, number: "D3LN201802010002", place: "兴城市某砖厂")
            _ = try await f.expect(.ok, .POST, "/api/v1/petition-cases/\(done)/progress", as: "office", """
                {"version":1,"status":"concluded","finding":"unfounded","findings":"不属实","measures":"已反馈"}
                """)
            f.set("2018-03-02")
            let round = try await f.expect(.created, .POST, "/api/v1/rounds", as: "office", #"{"name":"2018年第3次调度","dueDate":"2018-03-10"}"#)
            let roundID = try XCTUnwrap(round.json["roundID"] as? Int)
            f.set("2018-03-03")
            let late = try await Self.petition(f, batch: b, number: "D3LN201802010003", place: "绥中县某石材厂")
            let my = try await f.expect(.ok, .GET, "/my", as: "responsible")
            XCTAssertTrue(my.body.contains("本期待填报办理情况的信访件(2)"), my.body)
            XCTAssertFalse(my.body.contains("D3LN201802010002"), "a case concluded before the round owes nothing")
            f.set("2018-03-05")
            _ = try await f.expect(.ok, .POST, "/api/v1/petition-cases/\(open)/progress", as: "responsible",
                                   #"{"version":1,"status":"handling","finding":"founded","findings":"属实"}"#)
            f.set("2018-03-12")
            _ = try await f.expect(.ok, .POST, "/api/v1/petition-cases/\(late)/progress", as: "responsible",
                                   #"{"version":1,"status":"handling","finding":"founded","findings":"属实"}"#)
            // Reported in time, then again after the due date: its first report decides.
            _ = try await f.expect(.ok, .POST, "/api/v1/petition-cases/\(open)/progress", as: "responsible",
                                   #"{"version":2,"status":"handling","findings":"属实,已责令整改"}"#)
            _ = try await f.expect(.ok, .POST, "/api/v1/rounds/\(roundID)/close", as: "office")
            f.set("2018-03-13")
            _ = try await f.expect(.ok, .POST, "/api/v1/petition-cases/\(open)/progress", as: "responsible",
                                   #"{"version":3,"status":"concluded","measures":"已整改"}"#)
            let figures = try await f.expect(.ok, .GET, "/api/v1/rounds/\(roundID)", as: "office")
            let cases = try XCTUnwrap(figures.json["cases"] as? [[String: Any]], figures.body)
            let status = Dictionary(uniqueKeysWithValues: cases.map { ($0["caseID"] as? Int ?? 0, $0["status"] as? String ?? "") })
            XCTAssertEqual(status, [open: "reported", late: "late"], "frozen at close; the concluded case owed nothing")
            let page = try await f.expect(.ok, .GET, "/rounds/\(roundID)", as: "office")
            XCTAssertTrue(page.body.contains("信访件办理情况报送(应报 2 件:已报 1、逾期报送 1、未报 0)"), page.body)
        }
    }
}
