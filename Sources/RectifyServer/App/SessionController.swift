import Fluent
import Vapor
import RectifyCore

/// Login and logout with a session cookie.
enum SessionController {
    struct LoginForm: Content {
        var login: String
        var password: String
    }

    /// The dashboard for a signed-in user; the public portal for everyone else.
    static func home(req: Request) async throws -> Response {
        guard let user = req.auth.get(User.self), user.active else { return req.redirect(to: SiteURL.publicHome.path) }
        // Each role lands on what it has to do (issue 12 §4): the office on the dashboard,
        // a leader on one screen of what needs a leader, a unit or acceptance unit on its queue.
        let roles = user.roles
        if roles.contains(.office) || roles.contains(.admin) { return try await DashboardPageController.show(req: req) }
        if roles.contains(.leader) { return try await LeaderPageController.show(req: req) }
        if roles.contains(.unit) || roles.contains(.acceptor) { return try await WorkPagesController.myWork(req: req, home: true) }
        if roles.contains(.discipline) { return try await AccountabilityPagesController.show(req: req) }
        return try await DashboardPageController.show(req: req)
    }

    static func loginPage(req: Request) async throws -> Response {
        if req.auth.has(User.self) { return req.redirect(to: SiteURL.home.path) }
        return LoginPage(login: "", error: nil).response()
    }

    static func login(req: Request) async throws -> Response {
        let form = (try? req.content.decode(LoginForm.self)) ?? LoginForm(login: "", password: "")
        let login = form.login.trimmingCharacters(in: .whitespaces)
        let address = req.remoteAddress?.ipAddress ?? "unknown"
        let throttle = req.application.loginThrottle
        if let wait = await throttle.begin(login: login, address: address) {
            req.logger.warning("login throttled: \(login) from \(address)")
            return LoginPage(login: login, error: "登录失败次数过多,请 \((wait + 59) / 60) 分钟后再试").response(status: .tooManyRequests)
        }
        let candidate = try await User.query(on: req.db).filter(\.$login == login).first()
        // Verify against a fixed hash when the login is unknown, so timing does not
        // tell which logins exist.
        let hash = candidate?.passwordHash ?? unknownLoginHash
        // On the thread pool: Bcrypt holds a thread for a quarter of a second, and tasks
        // run on the event loops (Rectify.runTasksOnEventLoops).
        let matches = (try? await req.password.async.verify(form.password, created: hash).get()) ?? false
        guard let user = candidate, matches, user.active else {
            await throttle.failed(login: login, address: address)
            let page = LoginPage(login: login, error: "登录名或密码不正确,或账号已停用")
            return page.response(status: .unauthorized)
        }
        await throttle.succeeded(login: login, address: address)
        // A new session, with a new id and a new CSRF token: one from before login is never reused.
        try await SessionStore.begin(req, user: user)
        req.logger.info("login: \(user.login)")
        return req.redirect(to: SiteURL.home.path, redirectType: .normal)
    }

    static func logout(req: Request) async throws -> Response {
        try await SessionStore.end(req)
        return req.redirect(to: SiteURL.login.path, redirectType: .normal)
    }
}

/// A real Bcrypt hash of nothing anyone can type, checked when a login is unknown.
private let unknownLoginHash = (try? Bcrypt.hash(UUID().uuidString, cost: 12)) ?? ""

/// Sends a browser that is not logged in to the login page, and a program a 401.
struct LoginRequiredMiddleware: Middleware {
    func respond(to req: Request, chainingTo next: any Responder) -> EventLoopFuture<Response> {
        guard let user = req.auth.get(User.self), user.active else {
            if req.wantsJSON { return req.eventLoop.makeFailedFuture(AppError.loginRequired) }
            return req.eventLoop.makeSucceededFuture(req.redirect(to: SiteURL.login.path))
        }
        return next.respond(to: req)
    }
}

extension Request {
    /// API clients and programs get JSON; browsers get pages.
    var wantsJSON: Bool {
        if url.path.hasPrefix("/api/") { return true }
        guard let accept = headers.first(name: .accept) else { return false }
        return accept.contains("application/json") && !accept.contains("text/html")
    }
}

extension SessionController {
    struct Current: Content {
        let userID: Int
        let login: String
        let displayName: String
        let roles: [Role]
        /// For cookie sessions: what a script sends as `X-CSRF-Token` with its writes.
        let csrfToken: String?
    }

    /// GET /api/v1/session: who is signed in, and the CSRF token for cookie-authenticated writes.
    static func current(req: Request) async throws -> Current {
        guard let user = req.auth.get(User.self) else { throw AppError.loginRequired }
        return Current(userID: try user.requireID(), login: user.login, displayName: user.displayName,
                       roles: Role.allCases.filter(user.roles.contains),
                       csrfToken: req.userSession == nil ? nil : req.csrfToken)
    }
}
