import Fluent
import SQLKit
import XCTVapor
import RectifyCore
@testable import RectifyServer

/// Province → city → county (issue 14): a task split to 盘锦 and 葫芦岛, 盘锦's part split to
/// 盘山县; what each level's office sees, the roll-up, the guards and the rebound.
final class SubtaskTests: XCTestCase {
    /// People of the lower levels, beside the fixture's provincial ones.
    static let levels: [(login: String, unit: String, region: Int, roles: Set<Role>)] = [
        ("panjinOffice", "盘锦市整改办", 211100, [.office]),
        ("huludaoOffice", "葫芦岛市整改办", 211400, [.office]),
        ("panshanOffice", "盘山县整改办", 211122, [.office]),
        ("panjinUnit", "盘锦市人民政府", 211100, [.unit]),
        ("panjinAcceptor", "盘锦市生态环境局", 211100, [.acceptor]),
        ("huludaoUnit", "葫芦岛市生态环境局", 211400, [.unit]),
        ("panshanUnit", "盘山县人民政府", 211122, [.unit]),
        ("panshanAcceptor", "盘锦市生态环境局盘山分局", 211122, [.acceptor]),
    ]

    static func addLevels(_ f: Fixture) async throws {
        let store = Store(db: f.app.db)
        for p in levels {
            let unit = try await store.createUnit(UnitDraft(name: p.unit, kind: .department, regionCode: p.region)).requireID()
            f.units[p.login] = unit
            let hasher = f.app.password
            _ = try await store.createUser(displayName: p.login, login: p.login, password: "password-\(p.login)",
                                           unitID: unit, roles: p.roles) { try hasher.hash($0) }
        }
    }

    @discardableResult
    func split(_ f: Fixture, _ parent: Int, as login: String, responsible: String, acceptance: String,
               deadline: String, expect status: HTTPStatus = .created, file: StaticString = #filePath,
               line: UInt = #line) async throws -> Fixture.Reply {
        try await f.expect(status, .POST, "/api/v1/tasks/\(parent)/subtasks", as: login, """
            {"responsible": [\(f.units[responsible]!)], "acceptance": [\(f.units[acceptance]!)], "deadline": "\(deadline)"}
            """, file: file, line: line)
    }

    func ids(_ f: Fixture, _ query: String, as login: String) async throws -> [Int] {
        let r = try await f.expect(.ok, .GET, "/api/v1/tasks?per=200" + query, as: login)
        return ((r.json["items"] as? [[String: Any]]) ?? []).compactMap { $0["id"] as? Int }.sorted()
    }

    @discardableResult
    func act(_ f: Fixture, _ task: Int, _ action: TaskAction, as login: String, _ body: String = "{}",
             expect status: HTTPStatus = .ok, file: StaticString = #filePath, line: UInt = #line) async throws -> Fixture.Reply {
        try await f.expect(status, .POST, "/api/v1/tasks/\(task)/actions/\(action.rawValue)", as: login, body, file: file, line: line)
    }

    /// Claim, submit, accept, notice and close, each by its own level's people.
    func finish(_ f: Fixture, _ task: Int, unit: String, acceptor: String, office: String, close: Bool = true) async throws {
        try await act(f, task, .claim, as: unit)
        try await act(f, task, .submitCompletion, as: unit, #"{"narrative": "已完成"}"#)
        try await act(f, task, .acceptPass, as: acceptor, #"{"opinion": "同意"}"#)
        guard close else { return }
        try await act(f, task, .openNotice, as: office,
                      #"{"noticeStart": "2018-03-01", "noticeEnd": "2018-03-01", "noticeText": "拟销号"}"#)
        f.set("2018-03-02")
        try await act(f, task, .close, as: office)
        f.set("2018-03-01")
    }

    func testSplitRollUpGuardsAndRebound() async throws {
        try await withApp { app in
            let f = try await Fixture(app, state: .assigned)
            try await Self.addLevels(f)
            let parent = f.taskID

            // Who may split, and what a sub-task must respect.
            _ = try await split(f, parent, as: "responsible", responsible: "panjinUnit", acceptance: "panjinAcceptor",
                                deadline: "2018-10-31", expect: .forbidden)
            _ = try await split(f, parent, as: "panjinOffice", responsible: "panjinUnit", acceptance: "panjinAcceptor",
                                deadline: "2018-10-31", expect: .notFound)
            let late = try await split(f, parent, as: "office", responsible: "panjinUnit", acceptance: "panjinAcceptor",
                                       deadline: "2019-01-31", expect: .unprocessableEntity)
            XCTAssertTrue(late.body.contains("task.subtaskDeadlineLate"), late.body)
            let outside = try await split(f, parent, as: "office", responsible: "foreignOffice", acceptance: "panjinAcceptor",
                                          deadline: "2018-10-31", expect: .unprocessableEntity)
            XCTAssertTrue(outside.body.contains("task.subtaskOutsideParent"), outside.body)
            let before = try await f.fingerprint()
            let got1 = try await TaskRecord.query(on: app.db).count()
            XCTAssertEqual(got1, 1)

            // Province → 盘锦, 葫芦岛 (already overdue); 盘锦 → 盘山县.
            let panjin = try await split(f, parent, as: "office", responsible: "panjinUnit", acceptance: "panjinAcceptor",
                                         deadline: "2018-10-31")
            XCTAssertEqual(panjin.json["code"] as? String, "1-1")
            XCTAssertEqual(panjin.json["parentTaskID"] as? Int, parent)
            XCTAssertEqual(panjin.json["state"] as? String, "assigned")
            let huludao = try await split(f, parent, as: "office", responsible: "huludaoUnit", acceptance: "panjinAcceptor",
                                          deadline: "2018-02-28")
            XCTAssertEqual(huludao.json["code"] as? String, "1-2")
            _ = try await split(f, panjin.id, as: "huludaoOffice", responsible: "panshanUnit", acceptance: "panshanAcceptor",
                                deadline: "2018-09-30", expect: .notFound)
            let panshan = try await split(f, panjin.id, as: "panjinOffice", responsible: "panshanUnit",
                                          acceptance: "panshanAcceptor", deadline: "2018-09-30")
            XCTAssertEqual(panshan.json["code"] as? String, "1-1-1")
            let got2 = try await f.fingerprint()
            XCTAssertNotEqual(got2, before)

            // The parent rolls up: 葫芦岛's overdue part makes it red and behind.
            let detail = try await f.expect(.ok, .GET, "/api/v1/tasks/\(parent)", as: "office").json
            XCTAssertEqual(detail["subtasksTotal"] as? Int, 2)
            XCTAssertEqual(detail["subtasksOpen"] as? Int, 2)
            XCTAssertEqual((detail["subtasks"] as? [[String: Any]])?.compactMap { $0["code"] as? String }, ["1-1", "1-2"])
            XCTAssertEqual(detail["light"] as? String, "red")
            XCTAssertEqual(detail["progressStatus"] as? String, "behindSchedule")
            XCTAssertEqual(detail["percent"] as? Int, 0)
            let stored = try await f.task
            XCTAssertEqual(stored.light, .red)
            XCTAssertEqual(stored.progressStatus, .behindSchedule)

            // Each office's ledger: its roots by default, every level below on request, a drill-down by parent.
            let got3 = try await ids(f, "", as: "office")
            XCTAssertEqual(got3, [parent])
            let got4 = try await ids(f, "&subtasks=true", as: "office")
            XCTAssertEqual(got4, [parent, panjin.id, huludao.id, panshan.id])
            let got5 = try await ids(f, "&parent=\(parent)", as: "office")
            XCTAssertEqual(got5, [panjin.id, huludao.id])
            let got6 = try await ids(f, "&region=211100", as: "office")
            XCTAssertEqual(got6, [panjin.id])
            let got7 = try await ids(f, "", as: "panjinOffice")
            XCTAssertEqual(got7, [panjin.id])
            let got8 = try await ids(f, "&subtasks=true", as: "panjinOffice")
            XCTAssertEqual(got8, [panjin.id, panshan.id])
            let got9 = try await ids(f, "&subtasks=true", as: "huludaoOffice")
            XCTAssertEqual(got9, [huludao.id])
            let got10 = try await ids(f, "&subtasks=true", as: "panshanOffice")
            XCTAssertEqual(got10, [panshan.id])
            let got11 = try await ids(f, "", as: "panshanUnit")
            XCTAssertEqual(got11, [panshan.id])
            let counts = try await f.expect(.ok, .GET, "/api/v1/dashboard/counts", as: "office").json
            XCTAssertEqual(counts["total"] as? Int, 1, "the province counts its plan's task once")

            // Reading across levels: never another city's part, never the province's task.
            for (login, readable, hidden) in [("panjinOffice", [panjin.id, panshan.id], [parent, huludao.id]),
                                              ("huludaoOffice", [huludao.id], [parent, panjin.id, panshan.id]),
                                              ("panshanOffice", [panshan.id], [parent, panjin.id, huludao.id]),
                                              ("panshanUnit", [panshan.id], [parent, panjin.id, huludao.id]),
                                              ("foreignOffice", [], [parent, panjin.id, huludao.id, panshan.id])] {
                for id in readable { _ = try await f.expect(.ok, .GET, "/api/v1/tasks/\(id)", as: login) }
                for id in hidden { _ = try await f.expect(.notFound, .GET, "/api/v1/tasks/\(id)", as: login) }
            }
            let cityView = try await f.expect(.ok, .GET, "/api/v1/tasks/\(panjin.id)", as: "panjinOffice").json
            XCTAssertEqual(cityView["parentTaskID"] as? Int, parent)
            XCTAssertEqual((cityView["subtasks"] as? [[String: Any]])?.count, 1)

            // A parent cannot go to acceptance while a part is open.
            _ = try await act(f, parent, .claim, as: "responsible")
            let refused = try await act(f, parent, .submitCompletion, as: "responsible", #"{"narrative": "完成"}"#, expect: .conflict)
            XCTAssertEqual(refused.code, "lifecycle.subtasksOpen")
            let allowed = try await f.expect(.ok, .GET, "/api/v1/tasks/\(parent)", as: "responsible").json["allowedActions"] as? [String]
            XCTAssertFalse(allowed?.contains("submitCompletion") ?? true)

            // The county closes its part; the city's part may then be accepted.
            let cityBlocked = try await act(f, panjin.id, .claim, as: "panjinUnit")
            XCTAssertEqual(cityBlocked.json["subtasksOpen"] as? Int, 1)
            try await finish(f, panshan.id, unit: "panshanUnit", acceptor: "panshanAcceptor", office: "panshanOffice")
            let city = try await f.expect(.ok, .GET, "/api/v1/tasks/\(panjin.id)", as: "panjinOffice").json
            XCTAssertEqual(city["subtasksOpen"] as? Int, 0)
            XCTAssertEqual(city["percent"] as? Int, 100)
            try await act(f, panjin.id, .submitCompletion, as: "panjinUnit", #"{"narrative": "县级已销号"}"#)
            try await act(f, panjin.id, .acceptPass, as: "panjinAcceptor", #"{"opinion": "市级验收通过"}"#)
            let province = try await f.expect(.ok, .GET, "/api/v1/tasks/\(parent)", as: "office").json
            XCTAssertEqual(province["percent"] as? Int, 50, "one of two parts accepted")
            XCTAssertEqual(province["subtasksOpen"] as? Int, 2, "accepted is not closed")

            // A look-back finds the county's part back: the city's accepted part reopens.
            let version = try await TaskRecord.find(panjin.id, on: app.db)!.version
            try await act(f, panshan.id, .lookBackRebound, as: "panshanOffice", #"{"findings": "回头看发现反弹"}"#)
            let reopened = try await TaskRecord.find(panjin.id, on: app.db)!
            XCTAssertEqual(reopened.state, .inProgress)
            XCTAssertEqual(reopened.version, version + 1)
            let events = try await AuditEvent.query(on: app.db).filter(\.$taskID == panjin.id)
                .filter(\.$action == AuditAction.taskReopenedBySubtask.rawValue).count()
            XCTAssertEqual(events, 1)
            let after = try await f.expect(.ok, .GET, "/api/v1/tasks/\(parent)", as: "office").json
            XCTAssertEqual(after["percent"] as? Int, 0)
        }
    }

    /// Supervision orders go down across levels (issue 14 §3): the province and the city may order
    /// a county's unit on the county's part; the county may not order on the city's part.
    func testOrdersGoDownAcrossLevels() async throws {
        try await withApp { app in
            let f = try await Fixture(app, state: .assigned)
            try await Self.addLevels(f)
            let city = try await split(f, f.taskID, as: "office", responsible: "panjinUnit", acceptance: "panjinAcceptor",
                                       deadline: "2018-10-31").id
            let county = try await split(f, city, as: "panjinOffice", responsible: "panshanUnit", acceptance: "panshanAcceptor",
                                         deadline: "2018-09-30").id
            func order(_ task: Int, unit: String, level: String, as login: String, expect status: HTTPStatus) async throws -> Fixture.Reply {
                try await f.expect(status, .POST, "/api/v1/orders", as: login, """
                    {"unitID": \(f.units[unit]!), "taskIDs": [\(task)], "level": "\(level)", "reason": "进度滞后", "replyBy": "2018-03-10"}
                    """)
            }
            let fromProvince = try await order(county, unit: "panshanUnit", level: "listed", as: "office", expect: .created).id
            _ = try await order(county, unit: "panshanUnit", level: "order", as: "panjinOffice", expect: .created)
            _ = try await order(city, unit: "panjinUnit", level: "order", as: "panshanOffice", expect: .notFound)
            _ = try await order(county, unit: "panshanUnit", level: "order", as: "huludaoOffice", expect: .notFound)
            _ = try await f.expect(.ok, .POST, "/api/v1/orders/\(fromProvince)/reply", as: "panshanUnit", #"{"text":"已整改"}"#)
        }
    }

    /// Review fixes: no split once the work is submitted; a round asks a part split among its own
    /// region's units; a ledger import never takes a part's inner number for a row of the plan.
    func testSplitLimitsRoundsAndImports() async throws {
        try await withApp { app in
            let f = try await Fixture(app, state: .inProgress)
            try await Self.addLevels(f)
            // Split among the province's own units: a provincial round still asks for it.
            let part = try await split(f, f.taskID, as: "office", responsible: "stranger", acceptance: "acceptor", deadline: "2018-10-31").id
            let round = try await RoundService.open(.init(name: "第1次调度", dueDate: LocalDate(iso: "2018-03-10")!),
                                                    lifecycle: try await RoleMatrixTests.service(f, as: "office"))
            let figures = try await RoundService.compute(round, on: app.db)
            XCTAssertEqual(Set(figures.rows.map(\.taskID)), [part], "the part, not the split task")
            // The part's inner number is not a row of the plan.
            let number = try await TaskRecord.find(part, on: app.db)!.number
            let csv = [["序号", "整改任务", "牵头单位", "完成时限"], ["\(number)", "想改子任务", "辽宁省发展和改革委员会", "2018年12月31日"]]
                .map(CSV.line).joined()
            let cookie = try await f.cookie("office")
            var body = ""
            try await app.test(.POST, "/api/v1/inspections/\(f.inspectionID)/ledger/preview", beforeRequest: { req in
                req.signIn(cookie)
                req.headers.contentType = .plainText
                req.body = ByteBuffer(string: csv)
            }, afterResponse: { res async in body = res.body.string })
            XCTAssertTrue(body.contains("ledger.numberOfPart"), body)
            // Once submitted for acceptance, a task is not split any more.
            let other = try await Store(db: app.db).createTask(inspectionID: f.inspectionID, TaskDraft(
                number: 50, title: "另一项", kind: .timeLimited, deadline: LocalDate(iso: "2018-12-31"),
                assignments: [.init(unitID: f.units["responsible"]!, role: .responsible)]), state: .completionSubmitted).requireID()
            let refused = try await split(f, other, as: "office", responsible: "panjinUnit", acceptance: "panjinAcceptor",
                                          deadline: "2018-10-31", expect: .unprocessableEntity)
            XCTAssertTrue(refused.body.contains("task.parentFinished"), refused.body)
        }
    }

    /// The daily recompute refreshes parts before the tasks they roll up into.
    func testRecomputeRollsUpFromTheDeepest() async throws {
        try await withApp { app in
            let f = try await Fixture(app, state: .assigned)
            try await Self.addLevels(f)
            let city = try await split(f, f.taskID, as: "office", responsible: "panjinUnit", acceptance: "panjinAcceptor",
                                       deadline: "2018-10-31").id
            let county = try await split(f, city, as: "panjinOffice", responsible: "panshanUnit", acceptance: "panshanAcceptor",
                                         deadline: "2018-04-30").id
            let got12 = try await TaskRecord.find(f.taskID, on: app.db)?.light
            XCTAssertNotEqual(got12, .red)
            // Past the county's deadline: only time changed, and the province's task turns red.
            _ = try await TaskAssessment.recomputeAll(on: app.db, today: LocalDate(iso: "2018-05-15")!)
            let lights = try await [county, city, f.taskID].asyncMap { try await TaskRecord.find($0, on: app.db)?.light }
            XCTAssertEqual(lights, [.red, .red, .red])
            let got13 = try await TaskRecord.find(f.taskID, on: app.db)?.progressStatus
            XCTAssertEqual(got13, .behindSchedule)
        }
    }
}

/// Problems found again across inspections (issue 14 §4): the same problem, and a
/// look-back's 整改不到位; who may link; the lineage a task shows; the report's count.
final class LineageTests: XCTestCase {
    /// The lineage reads only the linked problems' tasks: it once materialised every top-level task
    /// of the database for each page (133 ms a page at 100,000 tasks, for a task with one link).
    func testTheLineageQueryReadsOnlyTheLinkedProblemsTasks() async throws {
        try await withApp { app in
            let sql = try XCTUnwrap(app.db as? any SQLDatabase)
            let json = JSONArraySQL(dialect: sql.dialect.name)
            let lineage = LineageService.recordsSQL(taskID: 1, scope: "tasks.region_code IS NOT NULL", json: json)
            // PostgreSQL's planner scans small tables whatever the query, so its plan says nothing here.
            guard sql.dialect.name == "sqlite" else { throw XCTSkip("a SQLite query plan") }
            struct Step: Decodable { let detail: String }
            let plan = try await sql.raw("EXPLAIN QUERY PLAN SELECT \(lineage) AS lineage").all(decoding: Step.self).map(\.detail)
            XCTAssertFalse(plan.contains { $0.contains("MATERIALIZE") || $0.hasPrefix("SCAN tasks") }, plan.joined(separator: "\n"))
        }
    }

    func testLinksShowOnTheTaskAndCountInTheReport() async throws {
        try await withApp { app in
            let f = try await Fixture(app, state: .inProgress)
            let store = Store(db: app.db)
            func inspection(_ title: String, region: Int, feedback: String, kind: InspectionKind = .routine) async throws -> Int {
                try await store.createInspection(InspectionDraft(
                    title: title, level: .provincial, round: nil, kind: kind, team: "督察组", targetRegionCode: region,
                    stationedFrom: nil, stationedUntil: nil, feedbackDate: LocalDate(iso: feedback))).requireID()
            }
            func problem(_ inspection: Int, _ text: String) async throws -> Int {
                try await store.createProblem(inspectionID: inspection, ProblemDraft(number: 1, text: text)).requireID()
            }
            // The fixture's inspection (辽宁, fed back 2017-07-31) and its problem on the task.
            let mine = try await problem(f.inspectionID, "黑臭水体整治不彻底")
            try await TaskProblem(taskID: f.taskID, problemID: mine).create(on: app.db)
            let earlier = try await problem(try await inspection("省级督察(盘锦市)", region: 211100, feedback: "2016-12-01"), "黑臭水体")
            let lookBack = try await inspection("中央督察回头看(辽宁省)", region: 210000, feedback: "2018-10-01", kind: .lookBack)
            let again = try await problem(lookBack, "黑臭水体整治不到位、反弹")
            let shanxi = try await problem(try await inspection("省级督察(太原市)", region: 140100, feedback: "2016-01-01"), "太原")
            let sameInspection = try await store.createProblem(inspectionID: f.inspectionID, ProblemDraft(number: 2, text: "另一问题")).requireID()

            // Refusals leave everything as it was.
            let before = try await f.fingerprint()
            for (problemID, body, code) in [
                (mine, #"{"earlierProblemID":\#(sameInspection),"kind":"same"}"#, "lineage.sameInspection"),
                (mine, #"{"earlierProblemID":\#(again),"kind":"same"}"#, "lineage.notEarlier"),
                (mine, #"{"earlierProblemID":\#(shanxi),"kind":"same"}"#, "lineage.unrelatedRegion"),
                (mine, #"{"earlierProblemID":999999,"kind":"same"}"#, "lineage.earlierUnknown"),
            ] {
                let r = try await f.expect(.unprocessableEntity, .POST, "/api/v1/problems/\(problemID)/links", as: "office", body)
                XCTAssertTrue(r.body.contains(code), r.body)
            }
            _ = try await f.expect(.badRequest, .POST, "/api/v1/problems/\(mine)/links", as: "office", #"{"earlierProblemID":1,"kind":"maybe"}"#)
            _ = try await f.expect(.notFound, .POST, "/api/v1/problems/\(mine)/links", as: "cityOffice", #"{"earlierProblemID":\#(earlier),"kind":"same"}"#)
            _ = try await f.expect(.forbidden, .POST, "/api/v1/problems/\(mine)/links", as: "responsible", #"{"earlierProblemID":\#(earlier),"kind":"same"}"#)
            let unchanged = try await f.fingerprint()
            XCTAssertEqual(unchanged, before)

            // The province links its problem to 盘锦's earlier one; the look-back's to the province's.
            _ = try await f.expect(.created, .POST, "/api/v1/problems/\(mine)/links", as: "office",
                                   #"{"earlierProblemID":\#(earlier),"kind":"same","note":"同一条河"}"#)
            let dup = try await f.expect(.unprocessableEntity, .POST, "/api/v1/problems/\(mine)/links", as: "office",
                                         #"{"earlierProblemID":\#(earlier),"kind":"same"}"#)
            XCTAssertTrue(dup.body.contains("lineage.exists"), dup.body)
            f.set("2018-10-15")
            _ = try await f.expect(.created, .POST, "/api/v1/problems/\(again)/links", as: "office",
                                   #"{"earlierProblemID":\#(mine),"kind":"notRectified"}"#)

            let lineage = try await f.expect(.ok, .GET, "/api/v1/tasks/\(f.taskID)/lineage", as: "office").json
            let items = lineage["items"] as? [[String: Any]] ?? []
            XCTAssertEqual(items.map { $0["dir"] as? String }, ["earlier", "later"])
            XCTAssertEqual(items.map { $0["kind"] as? String }, ["same", "notRectified"])
            XCTAssertEqual(items.first?["note"] as? String, "同一条河")
            // The task's own page shows it; a unit of the task reads it too.
            let page = try await f.expect(.ok, .GET, "/tasks/\(f.taskID)", as: "responsible").body
            XCTAssertTrue(page.contains("问题沿革"), page)
            XCTAssertTrue(page.contains("此后“中央督察回头看(辽宁省)”"), page)
            XCTAssertTrue(page.contains("整改不到位"), page)

            // The look-back's report counts its problem found not rectified — from the day it was linked.
            let report = try await f.expect(.ok, .GET, "/api/v1/inspections/\(lookBack)/report?format=text", as: "office").body
            XCTAssertTrue(report.contains("反馈的1个问题中,1个为回头看发现的整改不到位问题。"), report)
            let before2 = try await f.expect(.ok, .GET, "/api/v1/inspections/\(lookBack)/report?format=text&date=2018-10-14", as: "office").body
            XCTAssertFalse(before2.contains("整改不到位问题"), before2)
            let province = try await f.expect(.ok, .GET, "/api/v1/inspections/\(f.inspectionID)/report?format=text", as: "office").body
            XCTAssertTrue(province.contains("反馈的2个问题中,1个为此前督察已指出的问题。"), province)
        }
    }
}

/// 逐级验收 (issue 14 §2): a chain set per inspection; each step by the task's acceptance unit
/// of that level, with its own record and document; a failed step starts the chain again.
final class AcceptanceChainTests: XCTestCase {
    func testEachLevelAcceptsInTurn() async throws {
        try await withApp { app in
            let f = try await Fixture(app, state: .inProgress)
            try await SubtaskTests.addLevels(f)
            let chain = #"{"steps":[{"level":"county","name":"县级初验"},{"level":"city","name":"市级验收"},{"level":"province","name":"省级验收销号"}]}"#
            _ = try await f.expect(.notFound, .PUT, "/api/v1/inspections/\(f.inspectionID)/acceptance-chain", as: "panjinOffice", chain)
            _ = try await f.expect(.forbidden, .PUT, "/api/v1/inspections/\(f.inspectionID)/acceptance-chain", as: "leader", chain)
            let wrong = try await f.expect(.unprocessableEntity, .PUT, "/api/v1/inspections/\(f.inspectionID)/acceptance-chain", as: "office",
                                           #"{"steps":[{"level":"city","name":"市级验收"},{"level":"county","name":"县级初验"}]}"#)
            XCTAssertTrue(wrong.body.contains("chain.order"), wrong.body)
            _ = try await f.expect(.ok, .PUT, "/api/v1/inspections/\(f.inspectionID)/acceptance-chain", as: "office", chain)
            let read = try await f.expect(.ok, .GET, "/api/v1/inspections/\(f.inspectionID)/acceptance-chain", as: "leader").json
            XCTAssertEqual((read["steps"] as? [[String: Any]])?.compactMap { $0["name"] as? String }, ["县级初验", "市级验收", "省级验收销号"])

            // A county part accepted by the county, then the city (no provincial acceptor on it: no provincial step).
            let part = try await f.expect(.created, .POST, "/api/v1/tasks/\(f.taskID)/subtasks", as: "office", """
                {"responsible": [\(f.units["panshanUnit"]!)], "acceptance": [\(f.units["panshanAcceptor"]!), \(f.units["panjinAcceptor"]!)],
                 "deadline": "2018-10-31"}
                """).id
            func act(_ action: TaskAction, as login: String, _ body: String = "{}", expect status: HTTPStatus = .ok) async throws -> Fixture.Reply {
                try await f.expect(status, .POST, "/api/v1/tasks/\(part)/actions/\(action.rawValue)", as: login, body)
            }
            _ = try await act(.claim, as: "panshanUnit")
            let submitted = try await act(.submitCompletion, as: "panshanUnit", #"{"narrative":"完成"}"#).json
            XCTAssertEqual((submitted["acceptanceSteps"] as? [[String: Any]])?.compactMap { $0["name"] as? String }, ["县级初验", "市级验收"])
            XCTAssertEqual(submitted["acceptanceStepsPassed"] as? Int, 0)
            let early = try await act(.acceptPass, as: "panjinAcceptor", #"{"opinion":"同意"}"#, expect: .forbidden)
            XCTAssertEqual(early.code, "lifecycle.notThisStep")
            let cityView = try await f.expect(.ok, .GET, "/api/v1/tasks/\(part)", as: "panjinAcceptor").json
            XCTAssertFalse((cityView["allowedActions"] as? [String] ?? []).contains("acceptPass"))

            let county = try await act(.acceptPass, as: "panshanAcceptor", #"{"opinion":"县级初验通过","people":"初验组"}"#).json
            XCTAssertEqual(county["state"] as? String, "completionSubmitted")
            XCTAssertEqual(county["acceptanceStepsPassed"] as? Int, 1)
            _ = try await act(.acceptPass, as: "panshanAcceptor", #"{"opinion":"再次"}"#, expect: .forbidden)
            let inbox = try await f.expect(.ok, .GET, "/api/v1/notifications", as: "panjinAcceptor").body
            XCTAssertTrue(inbox.contains("待市级验收"), inbox)

            // The city sends it back: the chain starts again.
            let failed = try await act(.acceptFail, as: "panjinAcceptor", #"{"opinion":"仍有一处排口未封堵"}"#).json
            XCTAssertEqual(failed["state"] as? String, "inProgress")
            XCTAssertEqual(failed["acceptanceStepsPassed"] as? Int, 0)
            _ = try await act(.submitCompletion, as: "panshanUnit", #"{"narrative":"已封堵"}"#)
            _ = try await act(.acceptPass, as: "panshanAcceptor", #"{"opinion":"县级初验通过"}"#)
            // Not while a task is part-way along it.
            let inUse = try await f.expect(.conflict, .PUT, "/api/v1/inspections/\(f.inspectionID)/acceptance-chain", as: "office", chain)
            XCTAssertEqual(inUse.code, "chain.inUse")
            let accepted = try await act(.acceptPass, as: "panjinAcceptor", #"{"opinion":"市级验收通过"}"#).json
            XCTAssertEqual(accepted["state"] as? String, "accepted")

            // Each step has its own record and document.
            let steps = try await TaskEntry.query(on: app.db).filter(\.$task.$id == part).filter(\.$kind == .acceptance).sort(\.$id).all()
            XCTAssertEqual(steps.map(\.step), ["县级初验", "市级验收", "县级初验", "市级验收"])
            var docType = "", disposition = ""
            let cookie = try await f.cookie("panjinOffice")
            try await app.test(.GET, "/api/v1/tasks/\(part)/acceptances/\(steps[3].id!)/document", beforeRequest: { $0.signIn(cookie) }) { res async in
                XCTAssertEqual(res.status, .ok)
                docType = res.headers.contentType?.description ?? ""
                disposition = res.headers.first(name: .contentDisposition) ?? ""
            }
            XCTAssertTrue(docType.contains("wordprocessingml"), docType)
            XCTAssertTrue(disposition.hasSuffix("docx"), disposition)
            _ = try await f.expect(.notFound, .GET, "/api/v1/tasks/\(part)/acceptances/\(steps[3].id!)/document", as: "huludaoOffice")
            let page = try await f.expect(.ok, .GET, "/tasks/\(part)", as: "panjinOffice").body
            XCTAssertTrue(page.contains("县级初验(已通过)") && page.contains("市级验收(已通过)"), page)
            XCTAssertTrue(page.contains("下载市级验收意见书"), page)
        }
    }
}

extension Array where Element: Sendable {
    func asyncMap<T>(_ transform: (Element) async throws -> T) async rethrows -> [T] {
        var out: [T] = []
        for e in self { out.append(try await transform(e)) }
        return out
    }
}
