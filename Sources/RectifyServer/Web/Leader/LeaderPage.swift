import Fluent
import Plot
import SQLKit
import Vapor
import RectifyCore

/// A leader's home (issue 12 §4): one screen of what needs a leader: the red tasks, the
/// tasks red long enough to escalate and the orders escalated past a reminder, and the
/// leader's own instructions on tasks still open.
struct LeaderModel {
    struct Item { let taskID: Int; let number: Int; let title: String; let note: String }
    struct Order { let number: String; let level: String; let unit: String; let reason: String; let note: String }
    var total = 0
    var byLight: [String: Int] = [:]
    var red: [Item] = []
    var redTotal = 0
    var escalate: [Item] = []
    var escalateTotal = 0
    var orders: [Order] = []
    var instructions: [Item] = []
}

enum LeaderPageController {
    static func show(req: Request) async throws -> Response {
        let access = try await req.access()
        let today = req.application.clock.today
        let query = LedgerQuery(access: access)
        var m = LeaderModel()
        let tally = try await query.tally(LedgerQuery.Filter(), on: req.db)
        m.total = tally.total
        m.byLight = tally.byLight
        var red = LedgerQuery.Filter()
        red.light = .red
        red.sort = "deadline"
        red.per = 20
        let reds = try await query.list(red, on: req.db, total: tally.byLight[WarningLight.red.rawValue] ?? 0)
        m.redTotal = reds.total
        m.red = reds.items.map { .init(taskID: $0.id, number: $0.number, title: $0.title,
                                       note: "时限 \(Fmt.date($0.deadline)),红灯自 \(Fmt.date($0.lightSince))") }
        let settings = try await OfficeSettings.effective(for: access.regionCode, on: req.db)
        var escalate = LedgerQuery.Filter()
        escalate.redSince = today.adding(days: -settings.redDaysBeforeOrder)
        escalate.noOpenOrder = true
        escalate.per = 20
        let escalations = try await query.list(escalate, on: req.db)
        m.escalateTotal = escalations.total
        m.escalate = escalations.items.map {
            .init(taskID: $0.id, number: $0.number, title: $0.title, note: "红灯自 \(Fmt.date($0.lightSince)),尚无督办单")
        }
        // Orders past a plain reminder, still open: the ones a leader is asked about.
        let orders = try await OversightQueries.orders(access, on: req.db).filter(\.$closedAt == nil)
            .filter(\.$level != .reminder).limit(20).all()
        m.orders = orders.map { o in
            let late = o.replyText == nil && (LocalDate(iso: o.replyBy).map { $0 < today } ?? false)
            return .init(number: OversightService.number(o), level: o.level.label, unit: o.$unit.value?.name ?? "", reason: o.reason,
                         note: o.replyText == nil ? (late ? "逾期未回复" : "\(Fmt.date(o.replyBy))前回复") : "已回复,待办结")
        }
        // This leader's instructions on tasks not yet closed: what to follow up.
        guard let sql = req.db as? any SQLDatabase else { throw Abort(.internalServerError) }
        struct I: Decodable { let task_id: Int; let number: Int; let title: String; let text: String; let state: String }
        m.instructions = try await sql.raw("""
            SELECT e.task_id, t.number, t.title, e.text, t.state FROM task_entries e JOIN tasks t ON t.id = e.task_id \
            WHERE e.kind = \(bind: TaskEntryKind.instruction.rawValue) AND e.user_id = \(bind: access.userID) \
            AND t.state <> \(bind: TaskState.closed.rawValue) ORDER BY e.id DESC LIMIT 20
            """).all(decoding: I.self).map {
                .init(taskID: $0.task_id, number: $0.number, title: $0.title,
                      note: "批示:\($0.text.prefix(60)) · 现为\(TaskState(rawValue: $0.state)?.label ?? $0.state)")
            }
        return LeaderView(context: PageContext(req, section: .dashboard), model: m).response()
    }
}

struct LeaderView: PageView {
    let context: PageContext
    let model: LeaderModel
    var title: String { "领导首页" }

    func list(_ heading: String, _ items: [LeaderModel.Item], total: Int? = nil, empty: String) -> Node<HTML.BodyContext> {
        .section(.class("panel"),
                 .h2(.words("\(heading)(\(total ?? items.count))")),
                 .if(items.isEmpty, .p(.class("empty"), .words(empty))),
                 .ul(.forEach(items) { i in
                     .li(.a(.href(SiteURL.task(i.taskID).path), .words("\(i.number). \(i.title)")), .span(.class("sub"), .words(" \(i.note)")))
                 }),
                 .if((total ?? 0) > items.count, .p(.class("sub"), .words("以上为前 \(items.count) 项,共 \(total ?? 0) 项;全部见总账。"))))
    }

    var content: Node<HTML.BodyContext> {
        let lights = [("red", "红灯"), ("yellow", "黄灯"), ("green", "绿灯")]
        return .div(
            .h1("领导首页"),
            .p(.class("lead"), .words("本地区在账任务 \(model.total) 项:" + lights.map { "\($0.1) \(model.byLight[$0.0] ?? 0) 项" }.joined(separator: ","))),
            .div(.class("grid two"),
                 list("红灯任务", model.red, total: model.redTotal, empty: "没有红灯任务。"),
                 list("建议督办(红灯超过设定天数、尚无督办单)", model.escalate, total: model.escalateTotal, empty: "没有需要升级督办的任务。"),
                 .section(.class("panel"),
                          .h2(.words("督办、约谈、通报中的事项(\(model.orders.count))")),
                          .if(model.orders.isEmpty, .p(.class("empty"), .words("没有未办结的督办事项。"))),
                          .ul(.forEach(model.orders) { o in
                              .li(.a(.href(SiteURL.orders.path), .words("\(o.number)(\(o.level))")), .words(" \(o.unit):\(o.reason)"),
                                  .span(.class("sub"), .words(" \(o.note)")))
                          })),
                 list("我的批示落实情况", model.instructions, empty: "您批示过的任务都已销号,或还没有批示。"))
        )
    }
}
