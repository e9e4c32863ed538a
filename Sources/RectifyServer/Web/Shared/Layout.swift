import Plot
import Vapor
import RectifyCore

/// The parts of the interface a page lives in.
enum Section {
    case dashboard, ledger, myWork, rounds, orders, inspections, imports, admin, tokens, portal, notifications, channels, scheduler, petitions, accountability, indicators
}

/// What every page needs to know about the request: who is looking (for the menu and
/// the header), the CSRF token its forms carry, and a one-time message.
struct PageContext {
    let displayName: String?
    let roles: Set<Role>
    let csrf: String?
    let flash: String?
    let section: Section?
    /// The signed-in user's unread notifications, where the page read them (`UnreadCountMiddleware`).
    var unread: Int?

    static let anonymous = PageContext(displayName: nil, roles: [], csrf: nil, flash: nil, section: nil)

    init(displayName: String?, roles: Set<Role>, csrf: String?, flash: String?, section: Section?, unread: Int? = nil) {
        self.displayName = displayName
        self.roles = roles
        self.csrf = csrf
        self.flash = flash
        self.section = section
        self.unread = unread
    }

    init(_ req: Request, section: Section? = nil) {
        let user = req.auth.get(User.self)
        displayName = user?.displayName
        roles = user?.roles ?? []
        csrf = user == nil ? nil : req.csrfToken
        flash = req.takeFlash()
        self.section = section
        unread = user == nil ? nil : req.storage[UnreadCountMiddleware.Key.self]
    }

    /// The context a body shared by a scope's viewers is written in (`CachedBody`): their
    /// roles and section, nobody's name, flash or count, and a slot where each one's token goes.
    var shared: PageContext {
        PageContext(displayName: nil, roles: roles, csrf: CachedBody.csrfSlot, flash: nil, section: section)
    }

    var signedIn: Bool { displayName != nil }
    var isAdmin: Bool { roles.contains(.admin) }
    var isOffice: Bool { roles.contains(.office) || isAdmin }
    var isLeader: Bool { roles.contains(.leader) }
    var oversees: Bool { isOffice || isLeader }
    var isUnit: Bool { roles.contains(.unit) }
    var isAcceptor: Bool { roles.contains(.acceptor) }

    /// The menu: what this user's roles can use.
    var menu: [(Section, String, String)] {
        guard signedIn else {
            return [(.portal, "信息公开", SiteURL.publicHome.path)]
        }
        var items: [(Section, String, String)] = [(.dashboard, "首页", SiteURL.home.path)]
        items.append((.ledger, oversees ? "总账" : "我的台账", SiteURL.ledger.path))
        if isUnit || isAcceptor { items.append((.myWork, "我的待办", SiteURL.myWork.path)) }
        if oversees || isUnit { items.append((.orders, "督办", SiteURL.orders.path)) }
        if isOffice || isLeader { items.append((.rounds, "调度", SiteURL.rounds.path)) }
        if oversees { items.append((.inspections, "督察", SiteURL.inspections.path)) }
        if oversees || isUnit { items.append((.petitions, "信访件", SiteURL.petitions.path)) }
        if oversees || roles.contains(.discipline) { items.append((.accountability, "责任追究", SiteURL.accountability.path)) }
        if oversees || isUnit { items.append((.indicators, "目标指标", SiteURL.indicators.path)) }
        if isOffice { items.append((.imports, "导入", SiteURL.reportImport.path)) }
        if isOffice || isLeader { items.append((.channels, "推送", SiteURL.channels.path)) }
        if isAdmin { items.append((.admin, "管理", SiteURL.adminUsers.path)) }
        if isAdmin { items.append((.scheduler, "定时任务", SiteURL.adminScheduler.path)) }
        items.append((.notifications, (unread ?? 0) > 0 ? "通知(\(unread ?? 0))" : "通知", SiteURL.notifications.path))
        items.append((.tokens, "接口令牌", SiteURL.tokens.path))
        items.append((.portal, "信息公开", SiteURL.publicHome.path))
        return items
    }
}

/// A page's title and body, written once and shown to every viewer it fits (see
/// `LedgerPageController.show`); the layout around it is each request's own.
struct CachedBody: Sendable {
    let title: String
    /// The body, cut where its forms' CSRF token goes: each viewer's own is put back in.
    let parts: [String]

    /// Where a cached body's forms carry the token: a NUL, which `HTMLText.escape` turns into U+FFFD
    /// wherever it stands in text, so the body holds one only where `Forms.csrf` wrote it.
    static let csrfSlot = "\u{0}"

    /// What `view` shows below the header. Write it in `PageContext.shared`: nothing of its
    /// context but what the cache key holds may reach it.
    init(_ view: some PageView) {
        title = view.title
        parts = view.content.render().utf8.split(separator: 0, omittingEmptySubsequences: false).map { String(decoding: $0, as: UTF8.self) }
    }

    /// The body for one viewer: their own token in every form.
    func html(csrf: String?) -> String {
        parts.count == 1 ? parts[0] : parts.joined(separator: HTMLText.escape(csrf ?? ""))
    }
}

struct WrittenPage: PageView {
    let context: PageContext
    let body: CachedBody
    var title: String { body.title }
    var content: Node<HTML.BodyContext> { .raw(body.html(csrf: context.csrf)) }
}

/// A page: its title and body, rendered into the common layout.
protocol PageView {
    var title: String { get }
    var context: PageContext { get }
    var content: Node<HTML.BodyContext> { get }
}

extension PageView {
    func render() -> String {
        HTML(
            .lang(.chinese),
            .head(
                .encoding(.utf8),
                .viewport(.accordingToDevice),
                .title(HTMLText.escape("\(title) · Rectify 督察整改")),
                .stylesheet(SiteURL.stylesheet.path),
                .script(.src(SiteURL.script.path), .attribute(named: "defer", value: "defer"))
            ),
            .body(
                .header(
                    .class("top"),
                    .a(.class("brand"), .href(HTMLText.escape(context.signedIn ? SiteURL.home.path : SiteURL.publicHome.path)), .words("Rectify 督察整改")),
                    .nav(
                        .attribute(named: "aria-label", value: "主菜单"),
                        .forEach(context.menu) { section, label, href in
                            .a(.href(HTMLText.escape(href)), .class(section == context.section ? "on" : ""), .words(label))
                        }
                    ),
                    .if(context.signedIn,
                        .div(
                            .class("who"),
                            .span(.words(context.displayName ?? "")),
                            .span(.class("roles"), .words(Role.allCases.filter(context.roles.contains).map(\.label).joined(separator: "、"))),
                            .form(.action(SiteURL.logout.path), .method(.post),
                                  Forms.csrf(context),
                                  .button(.type(.submit), .words("退出登录")))
                        ),
                        else: .a(.class("login-link"), .href(SiteURL.login.path), .words("登录"))
                    )
                ),
                .main(
                    .unwrap(context.flash) { .p(.class("flash"), .attribute(named: "role", value: "status"), .words($0)) },
                    content
                )
            )
        ).render()
    }

    func response(status: HTTPResponseStatus = .ok) -> Response { Self.response(render(), status: status) }

    /// A rendered page as the answer.
    static func response(_ html: String, status: HTTPResponseStatus = .ok) -> Response {
        var headers = HTTPHeaders()
        headers.contentType = .html
        headers.replaceOrAdd(name: .cacheControl, value: "no-store")
        // The protective headers (CSP, frame and sniffing) come from SecurityHeadersMiddleware.
        return Response(status: status, headers: headers, body: .init(string: html))
    }
}

/// Words for values, as pages show them.
enum Fmt {
    static func date(_ iso: String?) -> String {
        guard let iso else { return "—" }
        return LocalDate(iso: String(iso.prefix(10)))?.chinese ?? iso
    }

    /// 2018-03-01T02:00:00.000Z → 2018年3月1日 10:00 (China time). Read by position, not
    /// with `ISO8601DateFormatter`: making one per call was 75% of a task page whose
    /// timeline holds 200 events (69 req/s, 224 ms a page). Anything else is shown as it is.
    static func instant(_ iso: String) -> String {
        let u = Array(iso.utf8)
        func number(_ range: Range<Int>) -> Int? {
            var n = 0
            for i in range {
                guard (UInt8(ascii: "0")...UInt8(ascii: "9")).contains(u[i]) else { return nil }
                n = n * 10 + Int(u[i] - UInt8(ascii: "0"))
            }
            return n
        }
        guard u.count >= 20, u.count <= 30, u[10] == UInt8(ascii: "T"), u[13] == UInt8(ascii: ":"), u[16] == UInt8(ascii: ":"),
              u.last == UInt8(ascii: "Z"), u.count == 20 || u[19] == UInt8(ascii: "."),
              let day = LocalDate(iso: String(decoding: u[0..<10], as: UTF8.self)),
              let hour = number(11..<13), let minute = number(14..<16), let second = number(17..<19),
              hour < 24, minute < 60, second < 61
        else { return iso }
        let local = hour + 8
        return words(local >= 24 ? day.adding(days: 1) : day, hour: local % 24, minute: minute)
    }

    /// The same words for a moment in time, by arithmetic (China has kept UTC+8 all year since 1991).
    static func instant(_ date: Date) -> String {
        let seconds = (date.timeIntervalSince1970 + 8 * 3600).rounded(.down)
        guard seconds.isFinite, abs(seconds) < 1e14 else { return "—" }
        let day = LocalDate.today(now: date)
        let inDay = Int(seconds) - day.dayNumber * 86_400
        return words(day, hour: inDay / 3600, minute: inDay % 3600 / 60)
    }

    /// 2018年3月2日 00:05
    private static func words(_ day: LocalDate, hour: Int, minute: Int) -> String {
        "\(day.chinese) \(hour < 10 ? "0" : "")\(hour):\(minute < 10 ? "0" : "")\(minute)"
    }

    static func state(_ raw: String) -> String { TaskState(rawValue: raw)?.label ?? raw }
    static func status(_ raw: String?) -> String { raw.flatMap(PublicStatus.init(rawValue:))?.label ?? "未评估" }
    static func deadline(_ iso: String?, kind: String) -> String {
        iso.map(date) ?? (kind == TaskKind.longTerm.rawValue ? "长期坚持" : "—")
    }
}

extension Node where Context: HTML.BodyContext {
    /// A red / yellow / green dot with its word, for lights.
    static func light(_ raw: String?) -> Node {
        var html = HTMLWriter(capacity: 64)
        html.light(raw)
        return .raw(html.html)
    }
}

/// Form parts: every form carries the CSRF token; fields show their error and keep
/// what the user typed.
struct FormState {
    /// Which form on the page these belong to.
    var form: String? = nil
    var values: [String: String] = [:]
    var errors: [String: String] = [:]
    var message: String? = nil

    func value(_ name: String, _ fallback: String = "") -> String { values[name] ?? fallback }
    func error(_ name: String) -> String? { errors[name] }
    func isFor(_ name: String) -> Bool { form == name }
}

enum Forms {
    static func csrf(_ context: PageContext) -> Node<HTML.FormContext> {
        // A shared body keeps the slot (which escaping would spoil); `CachedBody.html` fills it.
        .input(.type(.hidden), .name("_csrf"), .value(context.csrf == CachedBody.csrfSlot ? CachedBody.csrfSlot : HTMLText.escape(context.csrf ?? "")))
    }

    static func message(_ state: FormState?, _ form: String) -> Node<HTML.FormContext> {
        guard let state, state.isFor(form), let m = state.message else { return .empty }
        return .p(.class("error"), .attribute(named: "role", value: "alert"), .words(m))
    }

    static func field(_ label: String, _ name: String, type: HTMLInputType = .text, value: String = "", required: Bool = false,
                      hint: String? = nil, error: String? = nil, form: String = "") -> Node<HTML.FormContext> {
        let id = "\(form)-\(name)"
        return .div(
            .class(error == nil ? "field" : "field invalid"),
            .label(.for(id), .words(label), .if(required, .span(.class("req"), .words(" *")))),
            .input(.id(id), .name(name), .type(type), .value(HTMLText.escape(value)), .required(required),
                   .attribute(named: "aria-invalid", value: error == nil ? "false" : "true")),
            .unwrap(hint) { .small(.class("sub"), .words($0)) },
            .unwrap(error) { .small(.class("field-error"), .words($0)) }
        )
    }

    static func area(_ label: String, _ name: String, value: String = "", required: Bool = false, rows: Int = 3,
                     error: String? = nil, form: String = "") -> Node<HTML.FormContext> {
        let id = "\(form)-\(name)"
        return .div(
            .class(error == nil ? "field wide" : "field wide invalid"),
            .label(.for(id), .words(label), .if(required, .span(.class("req"), .words(" *")))),
            .textarea(.id(id), .name(name), .attribute(named: "rows", value: String(rows)), .required(required), .words(value)),
            .unwrap(error) { .small(.class("field-error"), .words($0)) }
        )
    }

    static func select(_ label: String, _ name: String, options: [(String, String)], selected: String?,
                       error: String? = nil, form: String = "", blank: String? = nil) -> Node<HTML.FormContext> {
        let id = "\(form)-\(name)"
        return .div(
            .class(error == nil ? "field" : "field invalid"),
            .label(.for(id), .words(label)),
            .select(.id(id), .attribute(named: "name", value: name),
                    .unwrap(blank) { .choice("", $0) },
                    .forEach(options) { value, text in .choice(value, text, selected: value == selected) }),
            .unwrap(error) { .small(.class("field-error"), .words($0)) }
        )
    }

    static func submit(_ label: String, style: String = "primary") -> Node<HTML.FormContext> {
        .div(.class("actions"), .button(.type(.submit), .class(style), .words(label)))
    }
}

/// A table of numbers that goes with a chart, so the figures print and read aloud.
extension Node where Context == HTML.BodyContext {
    static func figures(_ caption: String, _ rows: [(String, [String])], headers: [String]) -> Node {
        .table(
            .class("figures"),
            .caption(.words(caption)),
            .thead(.tr(.forEach(headers) { .th(.words($0)) })),
            .tbody(.forEach(rows) { label, values in
                .tr(.th(.attribute(named: "scope", value: "row"), .words(label)), .forEach(values) { .td(.class("num"), .words($0)) })
            })
        )
    }
}

extension Node where Context == HTML.SelectContext {
    /// An <option> with its text as content (Plot's own puts the text in an attribute).
    static func choice(_ value: String, _ label: String, selected: Bool = false) -> Node {
        .element(named: "option", nodes: [.attribute(named: "value", value: HTMLText.escape(value), ignoreIfValueIsEmpty: false),
                                          selected ? .attribute(named: "selected", value: "selected") : .empty, .words(label)])
    }
}
