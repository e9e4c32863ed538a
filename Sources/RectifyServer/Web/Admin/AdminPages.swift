import Fluent
import Plot
import Vapor
import RectifyCore

/// 管理 (issue 4 §2): users, units and the region catalogue for the administrator;
/// API tokens for everyone, each their own.
enum AdminPagesController {
    static func requireAdmin(_ req: Request) async throws -> Access {
        let access = try await req.access()
        guard access.isAdmin else { throw AppError.forbidden }
        return access
    }

    static func users(req: Request) async throws -> Response { try await usersPage(req, state: nil) }

    static func usersPage(_ req: Request, state: FormState?) async throws -> Response {
        _ = try await requireAdmin(req)
        let users = try await User.query(on: req.db).with(\.$unit).sort(\.$id).all()
        let units = try await Unit.query(on: req.db).sort(\.$name).all()
        var locked: Set<Int> = []
        for u in users where await req.application.loginThrottle.isLocked(login: u.login) { locked.insert(u.id ?? 0) }
        return UsersView(context: PageContext(req, section: .admin), users: users, units: units.map { ($0.id ?? 0, $0.name) },
                         locked: locked, state: state).response()
    }

    /// Lifts the login limit of a user whose name someone else has been guessing.
    static func unlockUser(req: Request) async throws -> Response {
        let access = try await requireAdmin(req)
        let id = try req.intParameter("id")
        return try await WebForm.handle(req, form: "active-\(id)", success: "已解除登录限制", redirect: { SiteURL.adminUsers.path }, action: {
            guard let user = try await User.find(id, on: req.db) else { throw AppError.notFound }
            await req.application.loginThrottle.unlock(login: user.login)
            try await req.db.writeTransaction { tx in
                try await Audit.record(on: tx, actor: access.auditActor, action: .userUnlock, recordType: "user", recordID: id,
                                       taskID: nil, before: Optional<String>.none, after: ["unlocked": true],
                                       now: req.application.clock.now())
            }
        }, page: { try await usersPage(req, state: $0) })
    }

    struct NewUser: Decodable {
        var displayName: String
        var login: String
        var password: String
        var unitID: Int?
        var roles: [Role]?
    }

    static func createUser(req: Request) async throws -> Response {
        let access = try await requireAdmin(req)
        return try await WebForm.handle(req, form: "user", success: "用户已建立", redirect: { SiteURL.adminUsers.path }, action: {
            let f = try req.form(NewUser.self)
            let hasher = req.password
            try await req.db.writeTransaction { tx in
                let user = try await Store(db: tx).createUser(displayName: f.displayName, login: f.login, password: f.password,
                                                              unitID: f.unitID, roles: Set(f.roles ?? [])) { try hasher.hash($0) }
                try await Audit.record(on: tx, actor: access.auditActor, action: .userCreate, recordType: "user",
                                       recordID: try user.requireID(), taskID: nil, before: Optional<String>.none,
                                       after: ["login": f.login], now: req.application.clock.now())
            }
        }, page: { try await usersPage(req, state: $0) })
    }

    static func toggleUser(req: Request) async throws -> Response {
        let access = try await requireAdmin(req)
        let id = try req.intParameter("id")
        return try await WebForm.handle(req, form: "active-\(id)", success: "已更新账号状态", redirect: { SiteURL.adminUsers.path }, action: {
            guard let user = try await User.find(id, on: req.db) else { throw AppError.notFound }
            guard id != access.userID else {
                throw AppError(status: .conflict, code: "user.selfDeactivate", message: "不能停用自己的账号")
            }
            user.active.toggle()
            if user.active { await req.application.loginThrottle.unlock(login: user.login) }
            try await req.db.writeTransaction { tx in
                try await user.save(on: tx)
                // A deactivated user is signed out everywhere at once.
                if !user.active { try await SessionStore.endAll(userID: id, on: tx) }
                try await Audit.record(on: tx, actor: access.auditActor, action: user.active ? .userActivate : .userDeactivate,
                                       recordType: "user", recordID: id, taskID: nil, before: Optional<String>.none,
                                       after: ["active": user.active], now: req.application.clock.now())
            }
            // After the commit, so no request can read the old state back into the cache.
            req.application.signedIn.drop(userID: id)
        }, page: { try await usersPage(req, state: $0) })
    }

    static func units(req: Request) async throws -> Response { try await unitsPage(req, state: nil) }

    static func unitsPage(_ req: Request, state: FormState?) async throws -> Response {
        _ = try await requireAdmin(req)
        let units = try await Unit.query(on: req.db).sort(\.$region.$id).sort(\.$name).all()
        return UnitsView(context: PageContext(req, section: .admin), units: units, state: state).response()
    }

    static func createUnit(req: Request) async throws -> Response {
        let access = try await requireAdmin(req)
        return try await WebForm.handle(req, form: "unit", success: "单位已建立", redirect: { SiteURL.adminUnits.path }, action: {
            let draft = try req.form(UnitDraft.self)
            // With its event: pages kept until the data changes (a task's split form lists units) see it at once.
            try await req.db.writeTransaction { tx in
                let unit = try await Store(db: tx).createUnit(draft)
                try await Audit.record(on: tx, actor: access.auditActor, action: .unitCreate, recordType: "unit",
                                       recordID: try unit.requireID(), taskID: nil, before: Optional<String>.none,
                                       after: ["name": draft.name], now: req.application.clock.now())
            }
        }, page: { try await unitsPage(req, state: $0) })
    }

    static func regions(req: Request) async throws -> Response {
        _ = try await requireAdmin(req)
        let province = try req.queryInt("province", in: Bounds.region) ?? 210000
        return RegionsView(context: PageContext(req, section: .admin), province: province).response()
    }

    // MARK: Tokens

    static func tokens(req: Request) async throws -> Response { try await tokensPage(req, created: nil, state: nil) }

    static func tokensPage(_ req: Request, created: String?, state: FormState?) async throws -> Response {
        let access = try await req.access()
        let tokens = try await ApiToken.query(on: req.db).filter(\.$user.$id == access.userID).sort(\.$id).all()
        return TokensView(context: PageContext(req, section: .tokens), tokens: tokens, created: created, state: state).response()
    }

    static func createToken(req: Request) async throws -> Response {
        do {
            let response = try await TokenAPI.create(req: req)
            let created = try JSONDecoder().decode(TokenAPI.Created.self, from: Data(buffer: response.body.buffer ?? ByteBuffer()))
            return try await tokensPage(req, created: created.token, state: nil)
        } catch let f as ValidationFailure {
            let r = try await tokensPage(req, created: nil, state: FormState(form: "token", values: req.formValues(),
                                                                                errors: ["name": f.violations.first?.message ?? ""],
                                                                                message: "请按提示修改后重新提交"))
            r.status = .unprocessableEntity
            return r
        }
    }

    static func revokeToken(req: Request) async throws -> Response {
        try await WebForm.handle(req, form: "revoke", success: "令牌已停用", redirect: { SiteURL.tokens.path }, action: {
            _ = try await TokenAPI.revoke(req: req)
        }, page: { try await tokensPage(req, created: nil, state: $0) })
    }
}

struct UsersView: PageView {
    let context: PageContext
    let users: [User]
    let units: [(Int, String)]
    /// Users whose login name is refused for too many failed attempts.
    let locked: Set<Int>
    let state: FormState?
    var title: String { "用户" }

    var content: Node<HTML.BodyContext> {
        .div(
            AdminTabs.node(.adminUsers),
            .h1("用户"),
            .table(.class("ledger"),
                   .thead(.tr(.th("登录名"), .th("姓名"), .th("单位"), .th("角色"), .th("状态"), .th(""))),
                   .tbody(.forEach(users) { u in
                       .tr(.td(.words(u.login)), .td(.words(u.displayName)), .td(.words(u.unit?.name ?? "—")),
                           .td(.words(Role.allCases.filter(u.roles.contains).map(\.label).joined(separator: "、"))),
                           .td(.words(u.active ? "在用" : "已停用"),
                               .if(locked.contains(u.id ?? 0), .span(.class("tag"), .words("登录受限")))),
                           .td(.form(.class("inline"), .method(.post), .action(SiteURL.adminUserActive(u.id ?? 0).path),
                                     Forms.csrf(context), Forms.message(state, "active-\(u.id ?? 0)"),
                                     .button(.type(.submit), .class("secondary"), .words(u.active ? "停用" : "启用"))),
                               .if(locked.contains(u.id ?? 0),
                                   .form(.class("inline"), .method(.post), .action(SiteURL.adminUserUnlock(u.id ?? 0).path),
                                         Forms.csrf(context), .button(.type(.submit), .class("secondary"), .words("解除登录限制"))))))
                   })),
            .form(.class("action wide"), .method(.post), .action(SiteURL.adminUsers.path),
                  Forms.csrf(context),
                  .h3("新增用户"),
                  Forms.message(state, "user"),
                  Forms.field("姓名", "displayName", value: state?.value("displayName") ?? "", required: true, error: state?.error("displayName"), form: "user"),
                  Forms.field("登录名", "login", value: state?.value("login") ?? "", required: true, hint: "英文字母、数字或 . _ -", error: state?.error("login"), form: "user"),
                  Forms.field("初始密码", "password", type: .password, required: true, hint: "至少 8 个字符;请通知本人登录后修改",
                              error: state?.error("password"), form: "user"),
                  Forms.select("单位", "unitID", options: units.map { (String($0.0), $0.1) }, selected: state?.value("unitID"),
                               error: state?.error("unitID"), form: "user", blank: "(系统管理员可不选)"),
                  .fieldset(.element(named: "legend", text: "角色"),
                            .forEach(Role.allCases) { r in
                                .label(.class("check"), .input(.type(.checkbox), .name("roles[]"), .value(r.rawValue)), .words(" \(r.label)"))
                            },
                            .unwrap(state?.error("roles")) { .small(.class("field-error"), .words($0)) }),
                  Forms.submit("建立用户"))
        )
    }
}

enum AdminTabs {
    static func node(_ on: SiteURL) -> Node<HTML.BodyContext> {
        .nav(.class("tabs"), .forEach([(SiteURL.adminUsers, "用户"), (.adminUnits, "单位"), (.adminRegions, "地区")]) { url, label in
            .a(.href(url.path), .class(url == on ? "on" : ""), .words(label))
        })
    }
}

struct UnitsView: PageView {
    let context: PageContext
    let units: [Unit]
    let state: FormState?
    var title: String { "单位" }

    var content: Node<HTML.BodyContext> {
        .div(
            AdminTabs.node(.adminUnits),
            .h1("单位"),
            .form(.class("action wide"), .method(.post), .action(SiteURL.adminUnits.path),
                  Forms.csrf(context),
                  .h3("新增单位"),
                  Forms.message(state, "unit"),
                  Forms.field("单位全称", "name", value: state?.value("name") ?? "", required: true, error: state?.error("name"), form: "unit"),
                  Forms.select("类别", "kind", options: UnitKind.allCases.map { ($0.rawValue, $0.label) }, selected: state?.value("kind") ?? "department", form: "unit"),
                  Forms.field("所在地区代码", "regionCode", type: .number, value: state?.value("regionCode") ?? "", required: true,
                              hint: "GB/T 2260 代码,如 211400(葫芦岛市),见“地区”", error: state?.error("regionCode"), form: "unit"),
                  Forms.submit("建立单位")),
            .table(.class("ledger"),
                   .thead(.tr(.th("单位"), .th("类别"), .th("地区"))),
                   .tbody(.forEach(units) { u in
                       .tr(.td(.words(u.name)), .td(.words(u.kind.label)),
                           .td(.words(RegionCatalog.byCode[u.$region.id].map { "\($0.name)(\($0.code))" } ?? String(u.$region.id))))
                   }))
        )
    }
}

struct RegionsView: PageView {
    let context: PageContext
    let province: Int
    var title: String { "地区" }

    var content: Node<HTML.BodyContext> {
        let provinces = RegionCatalog.all.filter { $0.code % 10_000 == 0 }
        let inside = RegionCatalog.all.filter { Access.subtree(of: province).contains($0.code) && $0.code != province }
        return .div(
            AdminTabs.node(.adminRegions),
            .h1("地区(GB/T 2260)"),
            .form(.class("filters"), .method(.get), .action(SiteURL.adminRegions.path),
                  Forms.select("省级地区", "province", options: provinces.map { (String($0.code), $0.name) }, selected: String(province)),
                  Forms.submit("查看")),
            .table(.class("ledger"),
                   .thead(.tr(.th("代码"), .th("名称"))),
                   .tbody(.forEach(inside) { r in .tr(.td(.words(String(r.code))), .td(.words(r.name))) }))
        )
    }
}

struct TokensView: PageView {
    let context: PageContext
    let tokens: [ApiToken]
    let created: String?
    let state: FormState?
    var title: String { "接口令牌" }

    var content: Node<HTML.BodyContext> {
        .div(
            .h1("接口令牌"),
            .p(.class("sub"), .words("程序用令牌调用 /api/v1 接口,权限与您的账号相同:请求头写 Authorization: Bearer <令牌>。")),
            .unwrap(created) { token in
                .div(.class("flash"), .p(.strong("新令牌(只显示这一次,请立即保存):")), .p(.code(.class("token"), .words(token))))
            },
            .form(.class("action wide"), .method(.post), .action(SiteURL.tokens.path),
                  Forms.csrf(context),
                  Forms.message(state, "token"),
                  Forms.field("用途", "name", value: state?.value("name") ?? "", required: true, hint: "如“台账同步脚本”",
                              error: state?.error("name"), form: "token"),
                  Forms.submit("生成令牌")),
            .table(.class("ledger"),
                   .thead(.tr(.th("用途"), .th("建立"), .th("最近使用"), .th("状态"), .th(""))),
                   .tbody(.forEach(tokens) { t in
                       .tr(.td(.words(t.name)), .td(.words(t.createdAt.map { Fmt.instant($0) } ?? "—")),
                           .td(.words(t.lastUsedAt.map { Fmt.instant($0) } ?? "—")),
                           .td(.words(t.revoked ? "已停用" : "有效")),
                           .td(.if(!t.revoked, .form(.class("inline"), .method(.post), .action(SiteURL.tokenRevoke(t.id!).path),
                                                     Forms.csrf(context), .button(.type(.submit), .class("secondary"), .words("停用"))))))
                   }))
        )
    }
}
