import Fluent
import XCTVapor
import RectifyCore
@testable import RectifyServer

/// Every write route × every role (issue 3 §9): the allowed calls succeed; every
/// other call gets 401 (no login), 404 (a record the user may not see) or 403, and
/// changes nothing.
final class RoleMatrixTests: XCTestCase {
    struct Route: Sendable {
        let name: String
        let allowed: Set<String>
        /// Who gets 404 rather than 403 (the record is hidden from them).
        var hidden: Set<String> = Set(["foreignOffice", "stranger", "discipline"]).union(Fixture.levels)
        /// Puts the world in the state the route needs; returns method, path and body.
        let prepare: @Sendable (Fixture) async throws -> (HTTPMethod, String, String?)
    }

    static func state(_ f: Fixture, _ s: TaskState) async throws {
        let t = try await f.task
        t.state = s
        try await t.save(on: f.app.db)
    }

    static func notice(_ f: Fixture, ended: Bool) async throws -> Int {
        try await state(f, .publicNotice)
        let e = TaskEntry(taskID: f.taskID, kind: .notice, userID: 2, text: "拟销号公示", onDate: "2018-02-20",
                          untilDate: ended ? "2018-02-26" : "2018-03-05", now: Date())
        try await e.create(on: f.app.db)
        return e.id!
    }

    static func service(_ f: Fixture, as login: String) async throws -> LifecycleService {
        let user = try await User.query(on: f.app.db).filter(\.$login == login).first()!
        return LifecycleService(db: f.app.db, access: try await Access.load(user, on: f.app.db), clock: f.app.clock)
    }

    static func action(_ a: TaskAction, _ s: TaskState, body: String? = nil) -> @Sendable (Fixture) async throws -> (HTTPMethod, String, String?) {
        { f in
            try await state(f, s)
            return (.POST, "/api/v1/tasks/\(f.taskID)/actions/\(a.rawValue)", body)
        }
    }

    static let office: Set<String> = ["admin", "office"]

    /// A part of the fixture's task split to 盘锦 (its city unit responsible), made by the province.
    static func part(_ f: Fixture, unit: String = "cityUnit") async throws -> Int {
        try await state(f, .inProgress)
        return try await SubtaskService(lifecycle: service(f, as: "office")).split(parentID: f.taskID, .init(
            deadline: LocalDate(iso: "2018-10-31"), responsible: [f.units[unit]!], acceptance: [f.units["acceptor"]!])).requireID()
    }

    /// Two problems: one of an earlier inspection of 盘锦, one of the fixture's (later) inspection with the fixture's task on it.
    static func problems(_ f: Fixture) async throws -> (later: Int, earlier: Int) {
        let store = Store(db: f.app.db)
        let earlier = try await store.createInspection(InspectionDraft(
            title: "第一轮中央环境保护督察(盘锦市)", level: .central, round: 1, kind: .routine, team: "中央第三环境保护督察组",
            targetRegionCode: 211100, stationedFrom: nil, stationedUntil: nil, feedbackDate: LocalDate(iso: "2017-07-31")))
        let old = try await store.createProblem(inspectionID: earlier.id!, ProblemDraft(number: 1, text: "黑臭水体", regionCodes: [211100]))
        let new = try await store.createProblem(inspectionID: f.inspectionID, ProblemDraft(number: 1, text: "黑臭水体反弹", regionCodes: [210000]))
        try await TaskProblem(taskID: f.taskID, problemID: new.id!).create(on: f.app.db)
        return (new.id!, old.id!)
    }

    /// A petition batch of the fixture's inspection, made directly.
    static func batch(_ f: Fixture) async throws -> PetitionBatch {
        let b = PetitionBatch()
        b.$inspection.id = f.inspectionID
        b.number = 1
        b.handedOverOn = "2018-02-01"
        b.replyBy = "2018-03-15"
        b.team = "督察组"
        b.createdAt = Date()
        try await b.create(on: f.app.db)
        return b
    }

    /// A petition case of that batch, given to the responsible unit, made by the office.
    static func petitionCase(_ f: Fixture) async throws -> PetitionCase {
        let b = try await batch(f)
        let office = try await Access.load(try await User.query(on: f.app.db).filter(\.$login == "office").first()!, on: f.app.db)
        return try await PetitionService.createCase(.init(batchID: b.id!, caseNumber: "D1", place: "某厂", regionCode: 210000,
                                                          complaint: "废气", unitIDs: [f.units["responsible"]!]),
                                                    access: office, clock: f.app.clock, on: f.app.db)
    }

    static let routes: [Route] = [
        Route(name: "edit task", allowed: office) { f in
            try await state(f, .inProgress)
            let v = try await f.task.version
            return (.PATCH, "/api/v1/tasks/\(f.taskID)", #"{"version":\#(v),"measures":"改"}"#)
        },
        Route(name: "assign", allowed: office, prepare: action(.assign, .draft)),
        Route(name: "claim", allowed: ["responsible", "cooperating"], prepare: action(.claim, .assigned)),
        Route(name: "submit completion", allowed: ["responsible"], prepare: action(.submitCompletion, .inProgress, body: #"{"narrative":"完成"}"#)),
        Route(name: "accept (pass)", allowed: ["acceptor"], prepare: action(.acceptPass, .completionSubmitted, body: #"{"opinion":"通过"}"#)),
        Route(name: "accept (fail)", allowed: ["acceptor"], prepare: action(.acceptFail, .completionSubmitted, body: #"{"opinion":"不通过"}"#)),
        Route(name: "open notice", allowed: office, prepare: action(.openNotice, .accepted, body: #"{"noticeText":"公示"}"#)),
        Route(name: "close", allowed: office) { f in
            _ = try await notice(f, ended: true)
            return (.POST, "/api/v1/tasks/\(f.taskID)/actions/close", nil)
        },
        Route(name: "uphold objection", allowed: office, prepare: action(.upholdObjection, .publicNotice, body: #"{"opinion":"异议成立"}"#)),
        Route(name: "look-back rebound", allowed: office, prepare: action(.lookBackRebound, .closed, body: #"{"findings":"反弹"}"#)),
        Route(name: "look-back holding", allowed: office) { f in
            try await state(f, .closed)
            return (.POST, "/api/v1/tasks/\(f.taskID)/lookbacks", #"{"result":"holding","findings":"巩固"}"#)
        },
        Route(name: "submit report", allowed: ["responsible"]) { f in
            try await state(f, .inProgress)
            return (.POST, "/api/v1/tasks/\(f.taskID)/reports", #"{"narrative":"进展","percent":50}"#)
        },
        Route(name: "review report", allowed: office) { f in
            try await state(f, .inProgress)
            let r = try await ReportService(lifecycle: service(f, as: "responsible"))
                .submit(taskID: f.taskID, .init(narrative: "进展", percent: 10))
            return (.POST, "/api/v1/reports/\(r.id!)/review", #"{"decision":"accept"}"#)
        },
        Route(name: "request extension", allowed: ["responsible"]) { f in
            try await state(f, .inProgress)
            return (.POST, "/api/v1/tasks/\(f.taskID)/extensions", #"{"deadline":"2019-06-30","reason":"冬季停工"}"#)
        },
        Route(name: "decide extension", allowed: office) { f in
            try await state(f, .inProgress)
            let e = try await OversightService(lifecycle: service(f, as: "responsible"))
                .requestExtension(taskID: f.taskID, .init(deadline: LocalDate(iso: "2019-06-30")!, reason: "冬季停工"))
            return (.POST, "/api/v1/extensions/\(e.id!)/decision", #"{"approve":true}"#)
        },
        Route(name: "record verification", allowed: ["admin", "office", "acceptor"]) { f in
            try await state(f, .completionSubmitted)
            return (.POST, "/api/v1/tasks/\(f.taskID)/verifications", #"{"date":"2018-03-01","people":"张三","findings":"属实"}"#)
        },
        Route(name: "leader instruction", allowed: ["leader"]) { f in
            (.POST, "/api/v1/tasks/\(f.taskID)/instructions", #"{"text":"加快推进"}"#)
        },
        Route(name: "record objection", allowed: office) { f in
            let n = try await notice(f, ended: false)
            return (.POST, "/api/v1/notices/\(n)/objections", #"{"receivedOn":"2018-03-01","content":"有异议"}"#)
        },
        Route(name: "answer objection", allowed: office) { f in
            let n = try await notice(f, ended: false)
            let o = try await OversightService(lifecycle: service(f, as: "office"))
                .recordObjection(noticeID: n, .init(receivedOn: LocalDate(iso: "2018-03-01")!, content: "有异议"))
            return (.POST, "/api/v1/objections/\(o.id!)/answer", #"{"answer":"不成立","upheld":false}"#)
        },
        Route(name: "open round", allowed: office, hidden: []) { _ in
            (.POST, "/api/v1/rounds", #"{"name":"第1次调度","dueDate":"2018-03-10","regionCode":210000}"#)
        },
        Route(name: "close round", allowed: office, hidden: Set(["foreignOffice", "stranger", "responsible", "cooperating", "acceptor", "discipline"]).union(Fixture.levels)) { f in
            let r = try await RoundService.open(.init(name: "第1次调度", dueDate: LocalDate(iso: "2018-03-10")!),
                                                lifecycle: service(f, as: "office"))
            return (.POST, "/api/v1/rounds/\(r.id!)/close", nil)
        },
        Route(name: "issue order", allowed: office) { f in
            try await state(f, .inProgress)
            return (.POST, "/api/v1/orders",
                    #"{"unitID":\#(f.units["responsible"]!),"taskIDs":[\#(f.taskID)],"level":"reminder","reason":"滞后","replyBy":"2018-03-10"}"#)
        },
        Route(name: "reply order", allowed: ["responsible"], hidden: Set(["foreignOffice", "stranger", "cooperating", "acceptor", "discipline"]).union(Fixture.levels)) { f in
            let o = try await OversightService(lifecycle: service(f, as: "office")).issueOrder(
                .init(unitID: f.units["responsible"]!, taskIDs: [f.taskID], level: .order, reason: "滞后", replyBy: LocalDate(iso: "2018-03-10")!))
            return (.POST, "/api/v1/orders/\(o.id!)/reply", #"{"text":"已整改"}"#)
        },
        Route(name: "close order", allowed: office, hidden: Set(["foreignOffice", "stranger", "cooperating", "acceptor", "discipline"]).union(Fixture.levels)) { f in
            let o = try await OversightService(lifecycle: service(f, as: "office")).issueOrder(
                .init(unitID: f.units["responsible"]!, taskIDs: [f.taskID], level: .order, reason: "滞后", replyBy: LocalDate(iso: "2018-03-10")!))
            _ = try await OversightService(lifecycle: service(f, as: "responsible")).replyOrder(o.id!, .init(text: "已整改"))
            return (.POST, "/api/v1/orders/\(o.id!)/close", nil)
        },
        Route(name: "upload evidence", allowed: ["admin", "office", "responsible", "cooperating", "acceptor"]) { f in
            (.POST, "/api/v1/tasks/\(f.taskID)/evidence?name=scan.pdf", "%PDF-1.4 核查记录")
        },
        Route(name: "publish evidence", allowed: office) { f in
            let service = EvidenceService(lifecycle: try await service(f, as: "responsible"),
                                          directory: f.app.rectifyConfig!.evidenceDirectory, maxBytes: 1 << 20,
                                          threadPool: f.app.threadPool)
            let link = try await service.upload(taskID: f.taskID, name: "scan.pdf", body: ByteBuffer(string: "%PDF-1.4 x"))
            return (.POST, "/api/v1/evidence/\(link.id!)/publish", #"{"isPublic":true}"#)
        },
        Route(name: "create channel", allowed: office, hidden: []) { _ in
            (.POST, "/api/v1/channels", #"{"kind":"wecom","name":"群","target":"https://qyapi.weixin.qq.com/cgi-bin/webhook/send?key=k","regionCode":210000}"#)
        },
        Route(name: "switch channel", allowed: office,
              hidden: Set(Fixture.people.map(\.login)).subtracting(["admin", "office", "leader"])) { f in
            let c = NotificationChannel()
            c.$region.id = 210000
            c.kind = .wecom
            c.name = "群"
            c.target = "https://qyapi.weixin.qq.com/cgi-bin/webhook/send?key=k"
            c.secret = ""
            c.sender = ""
            c.recipients = ""
            c.eventsText = "taskAssigned"
            c.active = true
            c.$createdBy.id = try await User.query(on: f.app.db).filter(\.$login == "office").first()!.id!
            c.createdAt = Date()
            try await c.create(on: f.app.db)
            return (.POST, "/api/v1/channels/\(c.id!)/active", #"{"active":false}"#)
        },
        Route(name: "read notification", allowed: ["responsible"],
              hidden: Set(Fixture.people.map(\.login)).subtracting(["responsible"])) { f in
            let user = try await User.query(on: f.app.db).filter(\.$login == "responsible").first()!.id!
            try await Notifier.emit(NotificationEvent(kind: .taskAssigned, title: "交办", body: "", link: "/tasks/\(f.taskID)",
                                                      taskID: f.taskID, regionCode: 210000, dedupe: "matrix", recipients: [user]),
                                    on: f.app.db, now: Date())
            let id = try await UserNotification.query(on: f.app.db).first()!.id!
            return (.POST, "/api/v1/notifications/\(id)/read", nil)
        },
        Route(name: "create petition batch", allowed: office, hidden: []) { f in
            (.POST, "/api/v1/petition-batches", #"{"inspectionID":\#(f.inspectionID),"number":9,"handedOverOn":"2018-02-01","replyBy":"2018-03-15"}"#)
        },
        Route(name: "create petition case", allowed: office, hidden: []) { f in
            let b = try await batch(f)
            return (.POST, "/api/v1/petition-cases", """
                {"batchID":\(b.id!),"caseNumber":"D1","place":"某厂","regionCode":210000,"complaint":"废气","unitIDs":[\(f.units["responsible"]!)]}
                """)
        },
        Route(name: "import petition batch", allowed: office, hidden: []) { f in
            let b = try await batch(f)
            return (.POST, "/api/v1/petition-batches/\(b.id!)/import", "受理编号,交办问题基本情况,办理单位\nD1,废气,辽宁省发展和改革委员会\n")
        },
        Route(name: "petition progress", allowed: ["admin", "office", "responsible"],
              hidden: Set(["foreignOffice", "stranger", "cooperating", "acceptor", "discipline"]).union(Fixture.levels)) { f in
            let c = try await petitionCase(f)
            return (.POST, "/api/v1/petition-cases/\(c.id!)/progress", #"{"version":1,"status":"handling","finding":"founded","findings":"属实"}"#)
        },
        Route(name: "link petition to task", allowed: office,
              hidden: Set(["foreignOffice", "stranger", "cooperating", "acceptor", "discipline"]).union(Fixture.levels)) { f in
            let c = try await petitionCase(f)
            return (.POST, "/api/v1/petition-cases/\(c.id!)/task", #"{"version":1,"taskID":\#(f.taskID)}"#)
        },
        Route(name: "record accountability lead", allowed: ["discipline"], hidden: []) { f in
            (.POST, "/api/v1/accountability-cases", #"{"inspectionID":\#(f.inspectionID),"source":"team","summary":"不作为","receivedOn":"2018-02-01","taskIDs":[\#(f.taskID)]}"#)
        },
        Route(name: "record a person held to account", allowed: ["discipline"],
              hidden: Set(["foreignOffice", "responsible", "cooperating", "acceptor", "stranger"]).union(Fixture.levels)) { f in
            let discipline = try await Access.load(try await User.query(on: f.app.db).filter(\.$login == "discipline").first()!, on: f.app.db)
            let c = try await AccountabilityService.create(.init(inspectionID: f.inspectionID, source: .team, summary: "不作为",
                                                                 receivedOn: LocalDate(iso: "2018-02-01")!),
                                                           access: discipline, clock: f.app.clock, on: f.app.db)
            return (.POST, "/api/v1/accountability-cases/\(c.id!)/people",
                    #"{"name":"某某","post":"副局长","rank":"division","organisation":"某市生态环境局","measure":"admonition","decidedOn":"2018-02-20"}"#)
        },
        // Plans and indicators (issue 15): the office sets targets and plans; the reporting unit enters values.
        Route(name: "set indicator target", allowed: office, hidden: []) { f in
            (.PUT, "/api/v1/indicators/1/targets", #"{"regionCode":210000,"baselineYear":2016,"baselineValue":46,"targetYear":2020,"targetValue":42}"#)
        },
        Route(name: "record indicator value", allowed: office.union(["responsible"]),
              hidden: Set(Fixture.people.map(\.login)).subtracting(["admin", "office", "responsible", "leader"])) { f in
            let office = try await Access.load(try await User.query(on: f.app.db).filter(\.$login == "office").first()!, on: f.app.db)
            _ = try await IndicatorService.setTarget(indicatorID: 1, .init(regionCode: 210000, baselineYear: 2016, baselineValue: 46, targetYear: 2020,
                                                                           targetValue: 42, unitID: f.units["responsible"]),
                                                     access: office, clock: f.app.clock, on: f.app.db)
            return (.POST, "/api/v1/indicators/1/values", #"{"regionCode":210000,"period":"2017","value":44}"#)
        },
        Route(name: "approve rectification plan", allowed: office,
              hidden: Set(Fixture.people.map(\.login)).subtracting(["admin", "office", "leader"])) { f in
            (.POST, "/api/v1/inspections/\(f.inspectionID)/plans", #"{"title":"整改方案","documentNumber":"辽委办发〔2017〕88号","approvedBy":"省委、省政府","approvedOn":"2017-10-20"}"#)
        },
        // Levels (issue 14): the province splits its task; the city splits its part; offices link problems.
        Route(name: "split task", allowed: office) { f in
            try await state(f, .inProgress)
            return (.POST, "/api/v1/tasks/\(f.taskID)/subtasks",
                    #"{"responsible":[\#(f.units["cityUnit"]!)],"deadline":"2018-10-31"}"#)
        },
        Route(name: "split a part", allowed: ["admin", "office", "cityOffice"],
              hidden: ["foreignOffice", "stranger", "discipline", "responsible", "cooperating", "countyOffice", "countyUnit"]) { f in
            let part = try await part(f)
            return (.POST, "/api/v1/tasks/\(part)/subtasks", #"{"responsible":[\#(f.units["countyUnit"]!)],"deadline":"2018-09-30"}"#)
        },
        Route(name: "claim a part", allowed: ["cityUnit"],
              hidden: ["foreignOffice", "stranger", "discipline", "responsible", "cooperating", "countyOffice", "countyUnit"]) { f in
            let part = try await part(f)
            return (.POST, "/api/v1/tasks/\(part)/actions/claim", nil)
        },
        Route(name: "link problem", allowed: office) { f in
            let (later, earlier) = try await problems(f)
            return (.POST, "/api/v1/problems/\(later)/links", #"{"earlierProblemID":\#(earlier),"kind":"notRectified"}"#)
        },
        Route(name: "read all notifications", allowed: Set(Fixture.people.map(\.login)), hidden: []) { _ in
            (.POST, "/api/v1/notifications/read-all", nil)
        },
        Route(name: "create token", allowed: Set(Fixture.people.map(\.login)), hidden: []) { _ in
            (.POST, "/api/v1/tokens", #"{"name":"脚本"}"#)
        },
        Route(name: "revoke token", allowed: ["admin", "office"],
              hidden: Set(Fixture.people.map(\.login)).subtracting(["admin", "office"])) { f in
            let user = try await User.query(on: f.app.db).filter(\.$login == "office").first()!
            let token = ApiToken(userID: user.id!, name: "脚本", tokenHash: TokenAPI.hash("rct_matrix"))
            try await token.create(on: f.app.db)
            return (.DELETE, "/api/v1/tokens/\(token.id!)", nil)
        },
    ]

    func testEveryWriteRouteAgainstEveryRole() async throws {
        for route in Self.routes {
            // Allowed: each on a fresh world.
            for login in route.allowed.sorted() {
                try await withApp { app in
                    let f = try await Fixture(app)
                    let (method, path, body) = try await route.prepare(f)
                    let r = try await f.call(method, path, as: login, body)
                    XCTAssertTrue((200..<300).contains(r.status.code), "\(route.name) as \(login): \(r.status) \(r.body)")
                }
            }
            // Everyone else: refused, nothing changed.
            try await withApp { app in
                let f = try await Fixture(app)
                let (method, path, body) = try await route.prepare(f)
                let before = try await f.fingerprint()
                for login in Fixture.everyone where !route.allowed.contains(login) {
                    let expected: HTTPStatus = login == "anonymous" ? .unauthorized
                        : route.hidden.contains(login) ? .notFound : .forbidden
                    let r = try await f.call(method, path, as: login, body)
                    XCTAssertEqual(r.status, expected, "\(route.name) as \(login): \(r.body)")
                    XCTAssertNotNil(r.code, "\(route.name) as \(login) answers the error shape: \(r.body)")
                }
                let after = try await f.fingerprint()
                XCTAssertEqual(after, before, "\(route.name): a refused call changed something")
            }
        }
    }
}
