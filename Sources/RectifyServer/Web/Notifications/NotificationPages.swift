import Fluent
import Plot
import Vapor
import RectifyCore

/// The unread count in every signed-in page's header, read with the change marker the
/// page's cached aggregates use (one statement for both; `AggregateCache.markerAndUnread`).
struct UnreadCountMiddleware: AsyncMiddleware {
    struct Key: StorageKey { typealias Value = Int }

    func respond(to req: Request, chainingTo next: any AsyncResponder) async throws -> Response {
        if req.method == .GET, let user = req.auth.get(User.self), user.active, let id = user.id {
            let (marker, unread) = try await AggregateCache.markerAndUnread(on: req.db, userID: id)
            req.storage[Request.MarkerKey.self] = marker
            req.storage[Key.self] = unread
        }
        return try await next.respond(to: req)
    }
}

/// 通知 (issue 12 §3): the signed-in user's inbox.
enum NotificationPagesController {
    static func list(req: Request) async throws -> Response {
        let access = try await req.access()
        let unreadOnly = (try? req.query.get(String.self, at: "show")) == "unread"
        let p = try await Inbox.query(access, unreadOnly: unreadOnly, on: req.db).page(req)
        return InboxView(context: PageContext(req, section: .notifications), items: p.rows.map(Inbox.item), unreadOnly: unreadOnly,
                         page: p.page, pages: max(1, (p.total + p.per - 1) / p.per)).response()
    }

    struct ReadForm: Decodable { var open: String? }

    /// Marks one read; with `open`, goes on to what it is about.
    static func read(req: Request) async throws -> Response {
        let access = try await req.access()
        let id = try req.intParameter("id")
        guard let n = try await UserNotification.find(id, on: req.db), n.$user.id == access.userID else { throw AppError.notFound }
        try await Inbox.markRead(id, access: access, clock: req.application.clock, on: req.db)
        let form = (try? req.form(ReadForm.self)) ?? ReadForm()
        // Links are written by the server as site paths; anything else goes back to the inbox.
        let safe = n.link.hasPrefix("/") && !n.link.hasPrefix("//")
        return req.redirect(to: form.open != nil && safe ? n.link : SiteURL.notifications.path, redirectType: .normal)
    }

    static func readAll(req: Request) async throws -> Response {
        let access = try await req.access()
        let n = try await Inbox.markRead(nil, access: access, clock: req.application.clock, on: req.db)
        req.flash(n == 0 ? "没有未读通知" : "已将 \(n) 条通知标为已读")
        return req.redirect(to: SiteURL.notifications.path, redirectType: .normal)
    }
}

struct InboxView: PageView {
    let context: PageContext
    let items: [Inbox.Item]
    let unreadOnly: Bool
    let page: Int
    let pages: Int
    var title: String { "通知" }

    func link(_ page: Int) -> String {
        SiteURL.notifications.with([("show", unreadOnly ? "unread" : nil), ("page", String(page))])
    }

    var content: Node<HTML.BodyContext> {
        .div(
            .h1("通知"),
            .nav(.class("tabs"),
                 .a(.href(SiteURL.notifications.path), .class(unreadOnly ? "" : "on"), .words("全部")),
                 .a(.href(HTMLText.escape(SiteURL.notifications.with([("show", "unread")]))), .class(unreadOnly ? "on" : ""),
                    .words("未读(\(context.unread ?? 0))"))),
            .form(.class("inline"), .method(.post), .action(SiteURL.notificationsReadAll.path),
                  Forms.csrf(context), .button(.type(.submit), .class("secondary"), .words("全部标为已读"))),
            .if(items.isEmpty, .p(.class("empty"), .words(unreadOnly ? "没有未读通知。" : "还没有通知。"))),
            .ul(.class("inbox"), .forEach(items) { n in
                .li(.class(n.read ? "read" : "unread"),
                    .form(.class("inline"), .method(.post), .action(SiteURL.notificationRead(n.id).path),
                          Forms.csrf(context), .input(.type(.hidden), .name("open"), .value("1")),
                          .button(.type(.submit), .class("link"), .strong(.words(n.title)))),
                    .span(.class("tag"), .words(n.kindLabel)),
                    .span(.class("sub"), .words(" \(Fmt.instant(n.createdAt))")),
                    .if(!n.read, .form(.class("inline-button"), .method(.post), .action(SiteURL.notificationRead(n.id).path),
                                       Forms.csrf(context), .button(.type(.submit), .class("secondary"), .words("标为已读")))),
                    .p(.words(n.body)))
            }),
            .nav(.class("pager"),
                 .if(page > 1, .a(.href(HTMLText.escape(link(page - 1))), .words("上一页"))),
                 .span(.words("第 \(page) / \(pages) 页")),
                 .if(page < pages, .a(.href(HTMLText.escape(link(page + 1))), .words("下一页"))))
        )
    }
}

/// 推送渠道: the office's group robots and e-mail, and what was sent on them.
enum ChannelPagesController {
    static func list(req: Request) async throws -> Response { try await page(req, state: nil) }

    static func page(_ req: Request, state: FormState?) async throws -> Response {
        let access = try await req.access()
        let channels = try await ChannelAPI.scoped(access, on: req.db).all()
        let ids = channels.compactMap(\.id)
        let deliveries = ids.isEmpty ? [] : try await Delivery.query(on: req.db).filter(\.$channel.$id ~~ ids)
            .sort(\.$id, .descending).limit(50).all()
        return ChannelsView(context: PageContext(req, section: .channels), channels: channels, deliveries: deliveries,
                            canEdit: access.isAdmin || access.roles.contains(.office), state: state).response()
    }

    struct Form: Decodable {
        var kind: ChannelKind
        var name: String?
        var target: String?
        var secret: String?
        var sender: String?
        var recipients: String?
        var events: [NotificationKind]?
    }

    static func create(req: Request) async throws -> Response {
        let access = try await req.access()
        return try await WebForm.handle(req, form: "channel", success: "推送渠道已建立", redirect: { SiteURL.channels.path }, action: {
            let f = try req.form(Form.self)
            _ = try await ChannelService.create(
                .init(kind: f.kind, name: f.name ?? "", target: f.target ?? "", secret: f.secret, sender: f.sender,
                      recipients: f.recipients, events: f.events ?? [], regionCode: nil),
                access: access, clock: req.application.clock, on: req.db)
        }, page: { try await page(req, state: $0) })
    }

    struct SwitchForm: Decodable { var active: String }

    static func setActive(req: Request) async throws -> Response {
        let access = try await req.access()
        let id = try req.intParameter("id")
        return try await WebForm.handle(req, form: "channel-\(id)", success: "已更新", redirect: { SiteURL.channels.path }, action: {
            let f = try req.form(SwitchForm.self)
            _ = try await ChannelService.setActive(id, f.active == "true", access: access, clock: req.application.clock, on: req.db)
        }, page: { try await page(req, state: $0) })
    }
}

struct ChannelsView: PageView {
    let context: PageContext
    let channels: [NotificationChannel]
    let deliveries: [Delivery]
    let canEdit: Bool
    let state: FormState?
    var title: String { "推送渠道" }

    var names: [Int: String] { Dictionary(channels.map { ($0.id ?? 0, $0.name) }, uniquingKeysWith: { a, _ in a }) }

    var content: Node<HTML.BodyContext> {
        .div(
            .h1("推送渠道"),
            .p(.class("sub"), .words("交办、退回、督办、申请验收、异议、到期和逾期等提醒,除发到每个人的“通知”外,还可推送到本地区的企业微信群、钉钉群机器人或电子邮箱。发送在后台进行,失败会自动重试。")),
            .table(.class("ledger"),
                   .thead(.tr(.th("名称"), .th("方式"), .th("地址"), .th("事件"), .th("状态"), .th(""))),
                   .tbody(.forEach(channels) { c in
                       .tr(.td(.words(c.name)), .td(.words(c.kind.label)),
                           .td(.words(c.shownTarget + (c.recipients.isEmpty ? "" : " → \(c.recipients)"))),
                           .td(.words(NotificationKind.allCases.filter(c.events.contains).map(\.label).joined(separator: "、"))),
                           .td(.words(c.active ? "启用" : "停用")),
                           .td(.if(canEdit, .form(.class("inline"), .method(.post), .action(SiteURL.channelActive(c.id ?? 0).path),
                                                  Forms.csrf(context),
                                                  .input(.type(.hidden), .name("active"), .value(c.active ? "false" : "true")),
                                                  .button(.type(.submit), .class("secondary"), .words(c.active ? "停用" : "启用"))))))
                   })),
            .if(channels.isEmpty, .p(.class("empty"), .words("还没有推送渠道。"))),
            .if(canEdit, .section(.class("panel"),
                .h2("新建推送渠道"),
                .form(.class("action wide"), .method(.post), .action(SiteURL.channels.path),
                      Forms.csrf(context),
                      Forms.message(state, "channel"),
                      Forms.select("方式", "kind", options: ChannelKind.allCases.map { ($0.rawValue, $0.label) },
                                   selected: state?.value("kind"), form: "channel"),
                      Forms.field("名称", "name", value: state?.value("name") ?? "", required: true, hint: "如“整改办工作群”",
                                  error: state?.error("name"), form: "channel"),
                      Forms.field("地址", "target", value: state?.value("target") ?? "", required: true,
                                  hint: "机器人:群设置里复制的 Webhook 地址;邮件:smtps://登录名@邮件服务器:465,或不需登录的内部中继 smtp://邮件服务器:25",
                                  error: state?.error("target"), form: "channel"),
                      Forms.field("密钥", "secret", type: .password, hint: "钉钉“加签”的密钥,或邮件登录密码;保存后不再显示",
                                  error: state?.error("secret"), form: "channel"),
                      Forms.field("发件人(邮件)", "sender", value: state?.value("sender") ?? "", error: state?.error("sender"), form: "channel"),
                      Forms.field("收件人(邮件,逗号分隔)", "recipients", value: state?.value("recipients") ?? "",
                                  error: state?.error("recipients"), form: "channel"),
                      .div(.class("field wide"), .span(.class("label"), .words("推送的事件")),
                                .forEach(NotificationKind.allCases) { k in
                                    .label(.class("check"), .input(.type(.checkbox), .name("events[]"), .value(k.rawValue), .checked(true)),
                                           .words(k.label))
                                },
                                .unwrap(state?.error("events")) { .small(.class("field-error"), .words($0)) }),
                      Forms.submit("建立")))),
            .section(.class("panel"),
                .h2("最近发送"),
                .if(deliveries.isEmpty, .p(.class("empty"), .words("还没有发送记录。"))),
                .if(!deliveries.isEmpty, .table(.class("ledger"),
                    .thead(.tr(.th("渠道"), .th("内容"), .th("状态"), .th("尝试"), .th("最近错误"), .th("时间"))),
                    .tbody(.forEach(deliveries) { d in
                        .tr(.td(.words(names[d.$channel.id] ?? "")), .td(.words(d.title)), .td(.words(d.state.label)),
                            .td(.class("num"), .words(String(d.attempts))), .td(.words(d.lastError)),
                            .td(.words(Fmt.instant(d.sentAt ?? d.createdAt))))
                    }))))
        )
    }
}

/// 定时任务 for the admin: the scheduler's last runs, who held each and how it ended.
enum SchedulerPagesController {
    static func show(req: Request) async throws -> Response {
        _ = try await AdminPagesController.requireAdmin(req)
        let runs = try await SchedulerRun.query(on: req.db).sort(\.$startedAt, .descending).sort(\.$id, .descending).limit(100).all()
        let pending = try await Delivery.query(on: req.db).filter(\.$state == .pending).count()
        let failed = try await Delivery.query(on: req.db).filter(\.$state == .failed).count()
        return SchedulerView(context: PageContext(req, section: .scheduler), runs: runs, pending: pending, failed: failed,
                             holder: req.application.scheduler.holder).response()
    }
}

struct SchedulerView: PageView {
    let context: PageContext
    let runs: [SchedulerRun]
    let pending: Int
    let failed: Int
    let holder: String
    var title: String { "定时任务" }

    var content: Node<HTML.BodyContext> {
        .div(
            .h1("定时任务"),
            .p(.class("sub"), .words("每天(北京时间)零点后,服务自动重算全部在办任务的预警灯和公开状态,并生成到期、逾期提醒;多台服务共用一个数据库时,每项每天只由一台执行。本服务:\(holder)。")),
            .p(.words("待发送消息 \(pending) 条,发送失败 \(failed) 条。")),
            .if(runs.isEmpty, .p(.class("empty"), .words("还没有运行记录。"))),
            .table(.class("ledger"),
                   .thead(.tr(.th("日期"), .th("任务"), .th("状态"), .th("执行者"), .th("次数"), .th("开始"), .th("结束"), .th("结果"))),
                   .tbody(.forEach(runs) { r in
                       .tr(.td(.words(r.day)), .td(.words(SchedulerJob(rawValue: r.job)?.label ?? r.job)), .td(.words(r.state.label)),
                           .td(.words(r.holder)), .td(.class("num"), .words(String(r.attempts))),
                           .td(.words(Fmt.instant(r.startedAt))), .td(.words(r.finishedAt.map { Fmt.instant($0) } ?? "—")),
                           .td(.words(r.detail)))
                   }))
        )
    }
}
