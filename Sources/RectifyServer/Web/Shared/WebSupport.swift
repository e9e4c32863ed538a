import Crypto
import Foundation
import Vapor
import RectifyCore

extension Request {
    /// The session's CSRF token, made on first use: every form of a signed-in page
    /// carries it and `CSRFMiddleware` checks it on every POST of the web interface.
    var csrfToken: String {
        guard let session = userSession else { return "" }
        if let token = session["csrf"] { return token }
        let token = Data([UInt8].random(count: 32)).base64EncodedString()
            .replacingOccurrences(of: "+", with: "-").replacingOccurrences(of: "/", with: "_").replacingOccurrences(of: "=", with: "")
        session["csrf"] = token
        return token
    }

    /// A message for the next page this browser shows ("已认领").
    func flash(_ message: String) { userSession?["flash"] = message }

    func takeFlash() -> String? {
        guard let session = userSession, let message = session["flash"] else { return nil }
        session["flash"] = nil
        return message
    }

    /// Whether a write's CSRF token matches the session's, compared in constant time.
    func csrfMatches(_ sent: String) -> Bool {
        guard let expected = userSession?["csrf"], !sent.isEmpty, sent.utf8.count == expected.utf8.count else { return false }
        return zip(sent.utf8, expected.utf8).reduce(0, { $0 | ($1.0 ^ $1.1) }) == 0
    }

    /// The submitted form as text fields (repeated fields keep their last value).
    func formValues() -> [String: String] {
        if let values = try? content.decode([String: String].self) { return values }
        return [:]
    }
}

extension Array where Element == UInt8 {
    static func random(count: Int) -> [UInt8] {
        var g = SystemRandomNumberGenerator()
        return (0..<count).map { _ in UInt8.random(in: .min ... .max, using: &g) }
    }
}

/// Refuses a POST of the web interface whose `_csrf` field does not match the
/// session's token: a form on another site cannot act in a user's name.
struct CSRFMiddleware: Middleware {
    func respond(to req: Request, chainingTo next: any Responder) -> EventLoopFuture<Response> {
        guard req.method == .POST else { return next.respond(to: req) }
        return req.eventLoop.makeFutureWithTask {
            // An upload arrives as a stream the route has not read yet: read it here, to the
            // route's own limit, so the token in it can be checked (and an oversized one is 413).
            _ = try await req.collectedBody()
            let sent = (try? req.content.get(String.self, at: "_csrf")) ?? ""
            guard req.originIsOwn, req.csrfMatches(sent) else { throw AppError.csrf }
        }.flatMap { next.respond(to: req) }
    }
}

/// Cookie-authenticated writes to the JSON API carry the session's CSRF token in an
/// `X-CSRF-Token` header (from `GET /api/v1/session`) and no foreign `Origin`: a page on
/// another site cannot post a form or a script's request in a signed-in user's name.
/// Token-authenticated calls (Bearer) need neither; no browser sends those by itself.
struct APICSRFMiddleware: Middleware {
    func respond(to req: Request, chainingTo next: any Responder) -> EventLoopFuture<Response> {
        guard [.POST, .PUT, .PATCH, .DELETE].contains(req.method), !req.viaBearerToken, req.userSession != nil else {
            return next.respond(to: req)
        }
        guard req.originIsOwn, req.csrfMatches(req.headers.first(name: "X-CSRF-Token") ?? "") else {
            return req.eventLoop.makeFailedFuture(AppError.csrf)
        }
        return next.respond(to: req)
    }
}

extension AppError {
    static let csrf = AppError(status: .forbidden, code: "csrf", message: "页面已过期或来源不明,未执行操作:请刷新页面后重新提交")
}

/// Failed logins per login name and per address, over a sliding window: past the
/// limit, further attempts are refused without checking the password. An attempt
/// counts from the moment it begins (before its password is checked), so parallel
/// guesses cannot all slip in under the limit; an administrator can lift the limit
/// on a login name (管理 → 用户), for a user locked out by someone else's guesses.
actor LoginThrottle {
    let window: TimeInterval
    let perLogin: Int
    let perAddress: Int
    private var failures: [String: [Date]] = [:]
    private var pending: [String: Int] = [:]

    init(window: TimeInterval = 15 * 60, perLogin: Int = 5, perAddress: Int = 30) {
        self.window = window
        self.perLogin = perLogin
        self.perAddress = perAddress
    }

    private func recent(_ key: String, now: Date) -> [Date] {
        let kept = (failures[key] ?? []).filter { now.timeIntervalSince($0) < window }
        failures[key] = kept.isEmpty ? nil : kept
        return kept
    }

    /// Seconds to wait, or nil when an attempt may be made now.
    func wait(login: String, address: String, now: Date = Date()) -> Int? {
        let keys = ["l:" + login.lowercased(), "a:" + address]
        let limits = [perLogin, perAddress]
        var waits: [Int] = []
        for (key, limit) in zip(keys, limits) {
            let list = recent(key, now: now)
            let inFlight = pending[key] ?? 0
            guard list.count + inFlight >= limit else { continue }
            // Full with attempts still being checked: wait for them, briefly.
            guard list.count >= limit else { waits.append(1); continue }
            waits.append(max(1, Int((window - now.timeIntervalSince(list[list.count - limit])).rounded(.up))))
        }
        return waits.max()
    }

    /// Begins an attempt: nil when it may go ahead (and then it counts until `failed`
    /// or `succeeded`), else the seconds to wait.
    func begin(login: String, address: String, now: Date = Date()) -> Int? {
        if let wait = wait(login: login, address: address, now: now) { return wait }
        pending["l:" + login.lowercased(), default: 0] += 1
        pending["a:" + address, default: 0] += 1
        return nil
    }

    private func settle(login: String, address: String) {
        for key in ["l:" + login.lowercased(), "a:" + address] {
            let n = (pending[key] ?? 0) - 1
            pending[key] = n > 0 ? n : nil
        }
    }

    func failed(login: String, address: String, now: Date = Date()) {
        settle(login: login, address: address)
        failures["l:" + login.lowercased(), default: []].append(now)
        failures["a:" + address, default: []].append(now)
    }

    func succeeded(login: String, address: String) {
        settle(login: login, address: address)
        failures["l:" + login.lowercased()] = nil
    }

    /// Whether a login name is refused now.
    func isLocked(login: String, now: Date = Date()) -> Bool {
        recent("l:" + login.lowercased(), now: now).count >= perLogin
    }

    /// The administrator's unlock: forgets a login name's failures.
    func unlock(login: String) { failures["l:" + login.lowercased()] = nil }
}

extension Application {
    private struct ThrottleKey: StorageKey { typealias Value = LoginThrottle }
    var loginThrottle: LoginThrottle { single(ThrottleKey.self) { LoginThrottle() } }
}

/// How a web form's submission ends: on success a redirect with a message (so a
/// reload does not submit twice); on a refusal the same page again, with the message,
/// each field's error next to it and everything the user typed kept.
enum WebForm {
    static func handle(_ req: Request, form: String, success: String, redirect: @escaping () -> String,
                       action: () async throws -> Void,
                       page: (FormState) async throws -> Response) async throws -> Response {
        do {
            try await action()
            req.flash(success)
            return req.redirect(to: redirect(), redirectType: .normal)
        } catch let error {
            let e: AppError
            switch error {
            case let a as AppError: e = a
            case let f as ValidationFailure: e = AppError.validation(f)
            case let d as DecodingError:
                e = AppError(status: .unprocessableEntity, code: "badForm", message: "表单内容不完整或格式不对:\(Request.describe(d))")
            default: throw error
            }
            // A record this user may not see stays hidden; a lost session logs in again.
            if e.status == .notFound || e.status == .unauthorized { throw e }
            var state = FormState(form: form, values: req.formValues(), message: e.message)
            for v in e.violations { state.errors[v.field] = (state.errors[v.field].map { $0 + ";" } ?? "") + v.message }
            if !e.violations.isEmpty { state.message = "请按提示修改后重新提交" }
            let response = try await page(state)
            response.status = e.status
            return response
        }
    }
}
