import Fluent
import SQLKit
import XCTVapor
import RectifyCore
@testable import RectifyServer

/// A small world for lifecycle tests: Liaoning's office, a responsible unit, a
/// cooperating city, an acceptance unit, a leader; Shanxi's office (a foreign office)
/// and an unrelated Liaoning unit (a stranger); one task numbered 1 with a milestone.
/// The clock stands on 2018-03-01 unless a test moves it.
final class Fixture: @unchecked Sendable {
    let app: Application
    var cookies: [String: HTTPCookies] = [:]
    var units: [String: Int] = [:]
    var inspectionID = 0
    var taskID = 0
    var milestoneID = 0

    static let people: [(login: String, unit: String?, region: Int, roles: Set<Role>)] = [
        ("admin", nil, 0, [.admin]),
        ("office", "辽宁省环境保护督察整改工作领导小组办公室", 210000, [.office]),
        ("foreignOffice", "山西省整改办", 140000, [.office]),
        ("responsible", "辽宁省发展和改革委员会", 210000, [.unit]),
        ("cooperating", "葫芦岛市人民政府", 211400, [.unit]),
        ("acceptor", "辽宁省环境保护厅", 210000, [.acceptor]),
        ("leader", "辽宁省人民政府", 210000, [.leader]),
        ("stranger", "辽宁省水利厅", 210000, [.unit]),
        ("discipline", "中共辽宁省纪律检查委员会", 210000, [.discipline]),
        // The levels below (issue 14): a city's and a county's office and units.
        ("cityOffice", "盘锦市督察整改办", 211100, [.office]),
        ("cityUnit", "盘锦市住房和城乡建设局", 211100, [.unit]),
        ("countyOffice", "盘山县督察整改办", 211122, [.office]),
        ("countyUnit", "盘山县住房和城乡建设局", 211122, [.unit]),
    ]
    static let levels: Set<String> = ["cityOffice", "cityUnit", "countyOffice", "countyUnit"]
    static let everyone = people.map(\.login) + ["anonymous"]

    /// `number` > 1 adds another task to the world an earlier fixture built.
    /// `demoNames`: the demo already holds units of these names; prefix ours.
    init(_ app: Application, state: TaskState = .draft, number: Int = 1, demoNames: Bool = false) async throws {
        self.app = app
        app.clock = .fixed(LocalDate(iso: "2018-03-01")!)
        let store = Store(db: app.db)
        for p in Fixture.people {
            if let name = p.unit {
                let unitName = demoNames ? "测试:" + name : name
                if let existing = try await Unit.query(on: app.db).filter(\.$name == unitName).first() {
                    units[p.login] = existing.id!
                } else {
                    units[p.login] = try await store.createUnit(UnitDraft(name: unitName, kind: .department, regionCode: p.region)).id!
                }
            }
            let hasher = app.password
            if let existing = try await User.query(on: app.db).filter(\.$login == p.login).first() {
                // A world built on the demo: the fixture's people replace the demo's namesakes.
                existing.passwordHash = try hasher.hash("password-\(p.login)")
                existing.$unit.id = units[p.login]
                existing.roles = p.roles
                try await existing.save(on: app.db)
                continue
            }
            _ = try await store.createUser(displayName: p.login, login: p.login, password: "password-\(p.login)",
                                           unitID: units[p.login], roles: p.roles) { try hasher.hash($0) }
        }
        if number > 1, let existing = try await Inspection.query(on: app.db).filter(\.$team == "中央第三环境保护督察组")
            .filter(\.$planApprovedDate == "2018-01-01").first() {
            inspectionID = existing.id!
        } else {
            inspectionID = try await createInspection(store)
        }
        taskID = try await store.createTask(inspectionID: inspectionID, TaskDraft(
            number: number, title: "落实生态文明建设实施方案", target: "制定实施方案", measures: "三个月内制定",
            kind: .timeLimited, deadline: LocalDate(iso: "2018-12-31"),
            assignments: [.init(unitID: units["responsible"]!, role: .responsible),
                          .init(unitID: units["cooperating"]!, role: .cooperating),
                          .init(unitID: units["acceptor"]!, role: .acceptance)],
            milestones: [.init(date: LocalDate(iso: "2018-06-30")!, description: "完成方案起草")]), state: state).id!
        milestoneID = try await TaskMilestone.query(on: app.db).filter(\.$task.$id == taskID).first()!.id!
    }

    func createInspection(_ store: Store) async throws -> Int {
        try await store.createInspection(InspectionDraft(
            title: "第一轮中央环境保护督察(辽宁省)", level: .central, round: 1, kind: .routine, team: "中央第三环境保护督察组",
            targetRegionCode: 210000, stationedFrom: LocalDate(iso: "2017-04-25"), stationedUntil: LocalDate(iso: "2017-05-25"),
            feedbackDate: LocalDate(iso: "2017-07-31"), planApprovedDate: LocalDate(iso: "2018-01-01"))).id!
    }

    func cookie(_ login: String) async throws -> HTTPCookies? {
        if login == "anonymous" { return nil }
        if let c = cookies[login] { return c }
        let c = try await app.sessionCookie(login: login, password: "password-\(login)")
        cookies[login] = c
        return c
    }

    struct Reply {
        let status: HTTPStatus
        let body: String
        var json: [String: Any] {
            (try? JSONSerialization.jsonObject(with: Data(body.utf8))) as? [String: Any] ?? [:]
        }
        var code: String? { json["code"] as? String }
        /// The id of what was created; -1 (and a failed test) when there is none.
        var id: Int {
            guard let id = json["id"] as? Int else { XCTFail("no id in \(body)"); return -1 }
            return id
        }
    }

    @discardableResult
    func call(_ method: HTTPMethod, _ path: String, as login: String, _ body: String? = nil,
              file: StaticString = #filePath, line: UInt = #line) async throws -> Reply {
        let cookie = try await cookie(login)
        var reply = Reply(status: .internalServerError, body: "")
        try await app.test(method, path, beforeRequest: { req in
            req.signIn(cookie)
            req.headers.replaceOrAdd(name: .accept, value: "application/json")
            if let body {
                req.headers.contentType = .json
                req.body = ByteBuffer(string: body)
            }
        }, afterResponse: { res async in
            reply = Reply(status: res.status, body: res.body.string)
        })
        XCTAssertLessThan(reply.status.code, 500, "\(method) \(path) as \(login): \(reply.body)", file: file, line: line)
        return reply
    }

    func expect(_ status: HTTPStatus, _ method: HTTPMethod, _ path: String, as login: String, _ body: String? = nil,
                file: StaticString = #filePath, line: UInt = #line) async throws -> Reply {
        let r = try await call(method, path, as: login, body, file: file, line: line)
        XCTAssertEqual(r.status, status, "\(method) \(path) as \(login): \(r.body)", file: file, line: line)
        return r
    }

    func act(_ action: TaskAction, as login: String, _ body: String? = nil, expect status: HTTPStatus = .ok,
             file: StaticString = #filePath, line: UInt = #line) async throws -> Reply {
        try await expect(status, .POST, "/api/v1/tasks/\(taskID)/actions/\(action.rawValue)", as: login, body, file: file, line: line)
    }

    var task: TaskRecord {
        get async throws { try await TaskRecord.find(taskID, on: app.db)! }
    }

    /// Everything a write could change, in one string: a refused call must leave it as it was.
    func fingerprint() async throws -> String {
        // Lights as the server would show them today, before anything is compared.
        try await app.statusFreshness.ensure(app)
        let sql = app.db as! any SQLDatabase
        struct Row: Decodable { let id: Int; let state: String; let version: Int; let deadline: String?; let light: String? }
        let tasks = try await sql.raw("SELECT id, state, version, deadline, light FROM tasks ORDER BY id").all(decoding: Row.self)
        var parts = tasks.map { "\($0.id):\($0.state):\($0.version):\($0.deadline ?? "-"):\($0.light ?? "-")" }
        for table in ["audit_events", "progress_reports", "extension_requests", "supervision_orders", "task_entries",
                      "task_claims", "dispatch_rounds", "api_tokens", "task_milestones", "evidence_links",
                      "notifications", "notification_channels", "deliveries", "objection_contacts",
                      "petition_batches", "petition_cases", "accountability_cases", "accountability_people", "problem_links", "indicator_targets", "indicator_values", "rectification_plans"] {
            struct N: Decodable { let n: Int }
            let n = try await sql.raw("SELECT COUNT(*) AS n FROM \(ident: table)").first(decoding: N.self)?.n ?? -1
            parts.append("\(table)=\(n)")
        }
        struct Status: Decodable { let status: String }
        parts += try await sql.raw("SELECT status FROM progress_reports ORDER BY id").all(decoding: Status.self).map(\.status)
        parts += try await sql.raw("SELECT status FROM extension_requests ORDER BY id").all(decoding: Status.self).map(\.status)
        struct Read: Decodable { let id: Int; let read: Int }
        parts += try await sql.raw("SELECT id, CASE WHEN read_at IS NULL THEN 0 ELSE 1 END AS read FROM notifications ORDER BY id")
            .all(decoding: Read.self).map { "n\($0.id)=\($0.read)" }
        struct Petition: Decodable { let id: Int; let version: Int; let status: String }
        parts += try await sql.raw("SELECT id, version, status FROM petition_cases ORDER BY id").all(decoding: Petition.self)
            .map { "p\($0.id)=\($0.version):\($0.status)" }
        struct Active: Decodable { let id: Int; let active: Bool }
        parts += try await sql.raw("SELECT id, active FROM notification_channels ORDER BY id").all(decoding: Active.self)
            .map { "c\($0.id)=\($0.active)" }
        return parts.joined(separator: "|")
    }

    func set(_ day: String) { app.clock = .fixed(LocalDate(iso: day)!) }
}
