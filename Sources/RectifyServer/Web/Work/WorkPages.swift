import Fluent
import Plot
import SQLKit
import Vapor
import RectifyCore

/// 我的任务 (issue 4 §2): what a unit or acceptor has to do now.
struct MyWorkModel {
    struct Item { let taskID: Int; let number: Int; let title: String; let note: String }
    var unclaimed: [Item] = []
    var reportsDue: [Item] = []
    var returned: [Item] = []
    var orders: [(Int, String, String, String)] = []
    var acceptances: [Item] = []
    var roundName: String?
    /// Petition cases whose handling the open round still waits for (id, number, place, note).
    var casesDue: [(Int, String, String, String)] = []
}

enum WorkPagesController {
    static func myWork(req: Request) async throws -> Response { try await myWork(req: req, home: false) }

    /// 我的待办 (issue 12 §4): a unit's work queue, an acceptance unit's queue; also their home page.
    static func myWork(req: Request, home: Bool) async throws -> Response {
        let access = try await req.access()
        guard let unitID = access.unitID, access.roles.contains(.unit) || access.roles.contains(.acceptor) else {
            return req.redirect(to: SiteURL.home.path)
        }
        guard let sql = req.db as? any SQLDatabase else { throw Abort(.internalServerError) }
        var m = MyWorkModel()
        struct T: Decodable { let id: Int; let number: Int; let title: String; let deadline: String?; let assigned_on: String? }
        if access.roles.contains(.unit) {
            m.unclaimed = try await sql.raw("""
                SELECT t.id, t.number, t.title, t.deadline, t.assigned_on FROM tasks t \
                JOIN task_units tu ON tu.task_id = t.id AND tu.unit_id = \(bind: unitID) AND tu.role <> 'acceptance' \
                WHERE t.state IN (\(binds: TaskState.inWork.map(\.rawValue))) AND NOT EXISTS \
                (SELECT 1 FROM task_claims c WHERE c.task_id = t.id AND c.unit_id = \(bind: unitID)) ORDER BY t.assigned_on, t.id LIMIT 100
                """).all(decoding: T.self).map { .init(taskID: $0.id, number: $0.number, title: $0.title, note: "交办于 \(Fmt.date($0.assigned_on))") }
            // Reports owed in the open round this unit reports to.
            let rounds = try await DispatchRound.query(on: req.db).filter(\.$closedAt == nil).sort(\.$openedAt, .descending).all()
            if let regionCode = access.regionCode,
               let round = rounds.first(where: { Access.subtree(of: $0.$region.id).contains(regionCode) || Access.subtree(of: regionCode).contains($0.$region.id) }) {
                m.roundName = round.name
                let left = LocalDate(iso: round.dueDate).map { $0.dayNumber - req.application.clock.today.dayNumber }
                let when = left.map { $0 > 0 ? "还有 \($0) 天" : $0 == 0 ? "今天截止" : "已逾期 \(-$0) 天" } ?? ""
                m.reportsDue = try await RoundService.missing(round, unitID: unitID, on: req.db)
                    .map { .init(taskID: $0.id, number: $0.number, title: $0.title, note: "\(Fmt.date(round.dueDate))前报送,\(when)") }
                m.casesDue = try await RoundService.casesMissing(round, unitID: unitID, on: req.db)
                    .map { ($0.id, $0.number, $0.place, "\(Fmt.date(round.dueDate))前填报办理情况,\(when)") }
            }
            struct R: Decodable { let task_id: Int; let number: Int; let title: String; let review_reason: String? }
            m.returned = try await sql.raw("""
                SELECT r.task_id, t.number, t.title, r.review_reason FROM progress_reports r JOIN tasks t ON t.id = r.task_id \
                WHERE r.unit_id = \(bind: unitID) AND r.status = 'returned' \
                AND NOT EXISTS (SELECT 1 FROM progress_reports n WHERE n.revises_id = r.id) ORDER BY r.id DESC LIMIT 50
                """).all(decoding: R.self).map { .init(taskID: $0.task_id, number: $0.number, title: $0.title, note: "退回理由:\($0.review_reason ?? "")") }
            m.orders = try await SupervisionOrder.query(on: req.db).filter(\.$unit.$id == unitID).filter(\.$closedAt == nil)
                .filter(\.$replyText == nil).sort(\.$replyBy).all()
                .map { ($0.id!, OversightService.number($0), $0.reason, $0.replyBy) }
        }
        if access.roles.contains(.acceptor) {
            m.acceptances = try await sql.raw("""
                SELECT t.id, t.number, t.title, t.deadline, t.assigned_on FROM tasks t \
                JOIN task_units tu ON tu.task_id = t.id AND tu.unit_id = \(bind: unitID) AND tu.role = 'acceptance' \
                WHERE t.state = 'completionSubmitted' ORDER BY t.id LIMIT 100
                """).all(decoding: T.self).map { .init(taskID: $0.id, number: $0.number, title: $0.title, note: "已申请验收") }
        }
        return MyWorkView(context: PageContext(req, section: home ? .dashboard : .myWork), model: m).response()
    }
}

struct MyWorkView: PageView {
    let context: PageContext
    let model: MyWorkModel
    var title: String { "我的待办" }

    func list(_ heading: String, _ items: [MyWorkModel.Item], empty: String) -> Node<HTML.BodyContext> {
        .section(.class("panel"),
                 .h2(.words("\(heading)(\(items.count))")),
                 .if(items.isEmpty, .p(.class("empty"), .words(empty))),
                 .ul(.forEach(items) { i in
                     .li(.a(.href(SiteURL.task(i.taskID).path), .words("\(i.number). \(i.title)")), .span(.class("sub"), .words(" \(i.note)")))
                 }))
    }

    var content: Node<HTML.BodyContext> {
        .div(
            .h1("我的待办"),
            .p(.class("sub"), .words("需要本单位办理的事项;报送、回复和验收的期限都在这里。")),
            .div(.class("grid two"),
                 .if(context.isUnit, .group(
                    list("待认领", model.unclaimed, empty: "没有待认领的任务。"),
                    list("本期待报送" + (model.roundName.map { "·\($0)" } ?? ""), model.reportsDue,
                         empty: model.roundName == nil ? "目前没有进行中的调度。" : "本期已全部报送。"),
                    .if(!model.casesDue.isEmpty, .section(.class("panel"),
                        .h2(.words("本期待填报办理情况的信访件(\(model.casesDue.count < RoundService.casesMissingLimit ? String(model.casesDue.count) : "\(RoundService.casesMissingLimit) 件以上,列出前 \(RoundService.casesMissingLimit) 件"))")),
                        .ul(.forEach(model.casesDue) { c in
                            .li(.a(.href(SiteURL.petitionCase(c.0).path), .words("\(c.1) \(c.2)")), .span(.class("sub"), .words(" \(c.3)")))
                        }))),
                    list("被退回的报送", model.returned, empty: "没有被退回的报送。"),
                    .section(.class("panel"),
                             .h2(.words("待回复的督办单(\(model.orders.count))")),
                             .if(model.orders.isEmpty, .p(.class("empty"), .words("没有待回复的督办单。"))),
                             .ul(.forEach(model.orders) { o in
                                 .li(.a(.href(SiteURL.orders.path), .words(o.1)), .words(" \(o.2)"), .span(.class("sub"), .words(" \(Fmt.date(o.3))前回复")))
                             })))),
                 .if(context.isAcceptor, list("待验收", model.acceptances, empty: "没有待验收的任务。"))
            )
        )
    }
}

/// 调度 (issue 4 §2): rounds, and each round's units × tasks, reported / late / missing.
enum RoundPagesController {
    static func list(req: Request) async throws -> Response {
        try await listPage(req, state: nil)
    }

    static func listPage(_ req: Request, state: FormState?) async throws -> Response {
        let access = try await req.access()
        let rounds = try await OversightQueries.rounds(access, on: req.db).limit(100).all()
        var rows: [(DispatchRound, RoundService.Summary)] = []
        for r in rounds { rows.append((r, try await RoundService.summary(r, on: req.db))) }
        let canOpen = access.isAdmin || access.roles.contains(.office)
        return RoundListView(context: PageContext(req, section: .rounds), rounds: rows, canOpen: canOpen, state: state,
                             today: req.application.clock.today).response()
    }

    static func open(req: Request) async throws -> Response {
        try await WebForm.handle(req, form: "round", success: "调度已发起", redirect: { SiteURL.rounds.path }, action: {
            _ = try await RoundService.open(try req.form(RoundService.NewRound.self), lifecycle: req.lifecycle())
        }, page: { try await listPage(req, state: $0) })
    }

    static func show(req: Request) async throws -> Response {
        let access = try await req.access()
        guard let round = try await DispatchRound.find(try req.intParameter("id"), on: req.db) else { throw AppError.notFound }
        try RoundService.authorize(round, access, write: false)
        let figures = try await RoundService.figures(round, on: req.db)
        return RoundView(context: PageContext(req, section: .rounds), figures: figures,
                         canClose: round.closedAt == nil && access.oversees([round.$region.id], as: .office)).response()
    }

    static func close(req: Request) async throws -> Response {
        let id = try req.intParameter("id")
        return try await WebForm.handle(req, form: "close", success: "调度已结束,数字已冻结", redirect: { SiteURL.round(id).path }, action: {
            _ = try await RoundAPI.close(req: req)
        }, page: { _ in try await show(req: req) })
    }
}

struct RoundListView: PageView {
    let context: PageContext
    let rounds: [(DispatchRound, RoundService.Summary)]
    let canOpen: Bool
    let state: FormState?
    let today: LocalDate
    var title: String { "调度" }

    var content: Node<HTML.BodyContext> {
        .div(
            .h1("调度"),
            .if(canOpen, .form(.class("action wide"), .method(.post), .action(SiteURL.rounds.path),
                               Forms.csrf(context),
                               .h3("发起新一期调度"),
                               Forms.message(state, "round"),
                               Forms.field("名称", "name", value: state?.value("name") ?? "\(today.year)年\(today.month)月调度", required: true,
                                           error: state?.error("name"), form: "round"),
                               Forms.field("报送截止", "dueDate", type: .date, value: state?.value("dueDate") ?? today.adding(days: 7).iso,
                                           required: true, error: state?.error("dueDate"), form: "round"),
                               Forms.submit("发起调度"))),
            .if(rounds.isEmpty, .p(.class("empty"), .words("还没有调度。"))),
            .if(!rounds.isEmpty, .table(.class("ledger"),
                .thead(.tr(.th("调度"), .th("报送截止"), .th("状态"), .th(.class("num"), .words("应报")), .th(.class("num"), .words("已报")),
                           .th(.class("num"), .words("逾期")), .th(.class("num"), .words("未报")), .th(.class("num"), .words("报送率")))),
                .tbody(.forEach(rounds) { r, f in
                    .tr(.td(.a(.href(SiteURL.round(r.id!).path), .words(r.name))), .td(.words(Fmt.date(r.dueDate))),
                        .td(.words(r.closedAt == nil ? "进行中" : "已结束")),
                        .td(.class("num"), .words(String(f.owed))), .td(.class("num"), .words(String(f.reported))),
                        .td(.class("num"), .words(String(f.late))), .td(.class("num"), .words(String(f.missing))),
                        .td(.class("num"), .words(f.owed == 0 ? "—" : "\(f.reported * 100 / f.owed)%")))
                })))
        )
    }
}

struct RoundView: PageView {
    /// How many of the cases not yet reported the page lists.
    static let missingShown = 500
    let context: PageContext
    let figures: RoundFigures
    let canClose: Bool
    var title: String { figures.name }

    var content: Node<HTML.BodyContext> {
        func missing(_ rows: [RoundFigures.Row]) -> Int { rows.filter { $0.status == .missing }.count }
        let cases = figures.cases ?? []
        func count(_ s: RoundRowStatus) -> Int { cases.filter { $0.status == s }.count }
        let byUnit = Dictionary(grouping: figures.rows, by: \.unitName).sorted {
            (missing($0.value), $1.key) > (missing($1.value), $0.key)
        }
        return .div(
            .h1(.words(figures.name)),
            .p(.class("sub"), .words("报送截止 \(Fmt.date(figures.dueDate)) · \(figures.closed ? "已结束,数字已冻结" : "进行中")")),
            .div(.class("cards"),
                 .div(.class("card"), .strong(.words(String(figures.owed))), .span("应报")),
                 .div(.class("card green"), .strong(.words(String(figures.reported))), .span("已报")),
                 .div(.class("card yellow"), .strong(.words(String(figures.late))), .span("逾期报送")),
                 .div(.class("card red"), .strong(.words(String(figures.missing))), .span("未报"))),
            .if(canClose, .form(.class("inline"), .method(.post), .action(SiteURL.roundClose(figures.roundID).path),
                                Forms.csrf(context), Forms.submit("结束本期调度并冻结数字", style: "secondary"))),
            .table(.class("ledger matrix"),
                   .thead(.tr(.th("单位"), .th(.class("num"), .words("应报")), .th(.class("num"), .words("未报")), .th("任务(绿:已报 黄:逾期 红:未报)"))),
                   .tbody(.forEach(byUnit) { unit, rows in
                       .tr(.td(.words(unit)), .td(.class("num"), .words(String(rows.count))),
                           .td(.class("num"), .words(String(missing(rows)))),
                           .td(.forEach(rows.sorted { $0.taskNumber < $1.taskNumber }) { r in
                               .a(.class("cell \(r.status.rawValue)"), .href(SiteURL.task(r.taskID).path),
                                  .attribute(named: "title", value: HTMLText.escape("\(r.taskNumber). \(r.taskTitle):\(r.status.label)")),
                                  .words(String(r.taskNumber)))
                           }))
                   })),
            .if(!cases.isEmpty, .section(.class("panel"),
                .h2(.words("信访件办理情况报送(应报 \(cases.count) 件:已报 \(count(.reported))、逾期报送 \(count(.late))、未报 \(count(.missing)))")),
                .p(.class("sub"), .words("本期调度开始时尚未办结或本期交办的信访举报件,每件须在本期填报一次办理情况,按首次填报计。"
                                         + (count(.missing) > Self.missingShown ? "下表列出前 \(Self.missingShown) 件未报的。" : ""))),
                .if(count(.missing) > 0, .table(.class("ledger"),
                    .thead(.tr(.th("未报的件"), .th("被举报对象"), .th("办理单位"))),
                    .tbody(.forEach(cases.filter { $0.status == .missing }.prefix(Self.missingShown)) { c in
                        .tr(.td(.a(.href(SiteURL.petitionCase(c.caseID).path), .words(c.caseNumber))), .td(.words(c.place)), .td(.words(c.units)))
                    })))))
        )
    }
}

/// 督办 (issue 4 §2): orders in the user's scope; units reply, the office closes.
enum OrderPagesController {
    static func list(req: Request) async throws -> Response { try await listPage(req, state: nil) }

    static func listPage(_ req: Request, state: FormState?) async throws -> Response {
        let access = try await req.access()
        let orders = try await OversightQueries.orders(access, on: req.db).limit(200).all()
        let ids = orders.compactMap(\.id)
        let links = ids.isEmpty ? [] : try await SupervisionOrderTask.query(on: req.db).filter(\.$order.$id ~~ ids).with(\.$task).all()
        let tasks = Dictionary(grouping: links, by: \.$order.id).mapValues { $0.map { ($0.task.id!, $0.task.number, $0.task.title) } }
        return OrdersView(context: PageContext(req, section: .orders), orders: orders, tasks: tasks, access: access, state: state).response()
    }

    static func issue(req: Request) async throws -> Response {
        // Issued from a task's page: a refusal goes back to that page.
        let taskID = (try? req.form(OversightService.NewOrder.self))?.taskIDs.first
        return try await WebForm.handle(req, form: "order", success: "督办单已下发", redirect: { SiteURL.orders.path }, action: {
            let f = try req.form(OversightService.NewOrder.self)
            _ = try await OversightService(lifecycle: req.lifecycle()).issueOrder(f)
        }, page: { state in
            if let taskID { return try await TaskPageController.page(req, taskID: taskID, state: state) }
            return try await listPage(req, state: state)
        })
    }

    static func reply(req: Request) async throws -> Response {
        let id = try req.intParameter("id")
        return try await WebForm.handle(req, form: "reply-\(id)", success: "已回复督办单", redirect: { SiteURL.orders.path }, action: {
            _ = try await OversightService(lifecycle: req.lifecycle()).replyOrder(id, try req.form(OversightService.Reply.self))
        }, page: { try await listPage(req, state: $0) })
    }

    static func close(req: Request) async throws -> Response {
        let id = try req.intParameter("id")
        return try await WebForm.handle(req, form: "close-\(id)", success: "督办单已办结", redirect: { SiteURL.orders.path }, action: {
            _ = try await OversightService(lifecycle: req.lifecycle()).closeOrder(id)
        }, page: { try await listPage(req, state: $0) })
    }
}

struct OrdersView: PageView {
    let context: PageContext
    let orders: [SupervisionOrder]
    let tasks: [Int: [(Int, Int, String)]]
    let access: Access
    let state: FormState?
    var title: String { "督办" }

    var content: Node<HTML.BodyContext> {
        .div(
            .h1("督办单"),
            .p(.class("sub"), .words("督办单在任务页面下发;红灯任务见总账“红灯在前”。")),
            .unwrap(state?.message) { .p(.class("error"), .words($0)) },
            .if(orders.isEmpty, .p(.class("empty"), .words("没有督办单。"))),
            .forEach(orders) { o in
                let id = o.id!
                let mine = access.unitID == o.$unit.id && access.roles.contains(.unit)
                let office = access.isAdmin || access.oversees([o.$region.id], as: .office)
                return .article(.class("panel order"),
                    .h3(.words(OversightService.number(o)), .words(" "), .span(.class("tag"), .words(o.level.label)),
                        .span(.class("tag"), .words(o.closedAt != nil ? "已办结" : o.replyText != nil ? "已回复" : "待回复"))),
                    .p(.words("被督办单位:\(o.unit.name);\(Fmt.date(o.replyBy))前回复")),
                    .p(.class("pre"), .words(o.reason)),
                    .ul(.forEach(tasks[id] ?? []) { t in .li(.a(.href(SiteURL.task(t.0).path), .words("\(t.1). \(t.2)"))) }),
                    .unwrap(o.replyText) { .p(.strong("回复:"), .words($0)) },
                    .if(mine && o.closedAt == nil, .form(.class("inline"), .method(.post), .action(SiteURL.orderReply(id).path),
                        Forms.csrf(context), Forms.message(state, "reply-\(id)"),
                        Forms.area("回复内容", "text", value: state?.isFor("reply-\(id)") == true ? state!.value("text") : (o.replyText ?? ""),
                                   required: true, rows: 2, error: state?.isFor("reply-\(id)") == true ? state?.error("text") : nil, form: "reply-\(id)"),
                        Forms.submit(o.replyText == nil ? "回复" : "更新回复"))),
                    .if(office && o.closedAt == nil && o.replyText != nil, .form(.class("inline"), .method(.post), .action(SiteURL.orderClose(id).path),
                        Forms.csrf(context), Forms.message(state, "close-\(id)"), Forms.submit("办结", style: "secondary")))
                )
            }
        )
    }
}
