import FluentKit
import Vapor
import RectifyCore

/// The one error middleware (STYLE.md §8): browsers get an HTML page, programs get
/// `{"code": "...", "message": "..."}`; messages are in Chinese with a stable code;
/// no stack traces or internal messages are shown; 5xx are logged loudly.
struct RectifyErrorMiddleware: Middleware {
    struct Body: Content {
        let code: String
        let message: String
        let violations: [Violation]?
    }

    func respond(to req: Request, chainingTo next: any Responder) -> EventLoopFuture<Response> {
        next.respond(to: req).flatMapErrorThrowing { Self.response(for: $0, on: req) }
    }

    static func response(for error: any Error, on req: Request) -> Response {
        var (status, code, message, violations) = describe(error)
        if status == .payloadTooLarge {
            // Each route that takes a file says what its limit means (Route.tooLarge).
            if let limit = req.route?.userInfo[Route.tooLargeKey] as? Route.TooLarge {
                (code, message) = (limit.code, limit.message)
            } else {
                message = "提交的内容超过 1 MB,未保存;大段材料请作为佐证材料上传"
            }
        }
        if status.code >= 500 {
            req.logger.error("\(req.method) \(req.url.path) failed: \(String(reflecting: error))")
        }
        if req.wantsJSON {
            let body = Body(code: code, message: message, violations: violations.isEmpty ? nil : violations)
            let response = Response(status: status)
            try? response.content.encode(body, as: .json)
            return response
        }
        let user = req.auth.get(User.self)
        let context = PageContext(displayName: user?.displayName, roles: user?.roles ?? [],
                                  csrf: user == nil ? nil : req.userSession?["csrf"], flash: nil, section: nil)
        return ErrorPage(status: Int(status.code), message: message, code: code, context: context).response(status: status)
    }

    static func describe(_ error: any Error) -> (HTTPResponseStatus, String, String, [Violation]) {
        switch error {
        case let e as AppError:
            return (e.status, e.code, e.message, e.violations)
        case let e as ValidationFailure:
            let app = AppError.validation(e)
            return (app.status, app.code, app.message, app.violations)
        case let e as any AbortError:
            switch e.status {
            case .notFound: return (.notFound, "notFound", AppError.notFound.message, [])
            case .unauthorized: return (.unauthorized, "loginRequired", AppError.loginRequired.message, [])
            case .forbidden: return (.forbidden, "forbidden", AppError.forbidden.message, [])
            case .badRequest, .unprocessableEntity:
                return (e.status, "badRequest", "请求内容无法识别,请检查后重试", [])
            case .payloadTooLarge: return (e.status, "payloadTooLarge", "提交的内容过大", [])
            case .methodNotAllowed: return (e.status, "methodNotAllowed", "不支持此请求方法", [])
            default:
                if e.status.code >= 500 { return (e.status, "serverError", "服务器内部错误,请稍后重试", []) }
                return (e.status, "requestFailed", "请求未能完成", [])
            }
        case let e as any DatabaseError where e.isConstraintFailure:
            // A write raced another and lost on a unique rule (e.g. the same claim twice).
            return (.conflict, "conflict", "数据刚被其他操作改变,您的提交未保存,请刷新后重试", [])
        case is DecodingError:
            return (.badRequest, "badRequest", "请求内容无法识别,请检查后重试", [])
        default:
            return (.internalServerError, "serverError", "服务器内部错误,请稍后重试", [])
        }
    }
}

extension Route {
    struct TooLarge: Sendable {
        let bytes: Int
        let code: String
        let message: String
    }

    static let tooLargeKey: AnySendableHashable = "rectify.tooLarge"

    /// This route's body limit (as registered with `.collect(maxSize:)`) and what a client
    /// is told when its body is over it. Middleware that reads the body before the route
    /// does (CSRFMiddleware) collects it up to the same limit.
    @discardableResult
    func tooLarge(_ bytes: Int, _ message: String, code: String = "file.tooLarge") -> Route {
        userInfo[Route.tooLargeKey] = TooLarge(bytes: bytes, code: code, message: message)
        return self
    }
}
