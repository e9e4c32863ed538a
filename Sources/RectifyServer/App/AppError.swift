import Vapor
import RectifyCore

/// An error meant for the person or program that made the request: an HTTP status,
/// a stable code for programs and a sentence in Chinese for people.
struct AppError: AbortError, DebuggableError {
    let status: HTTPResponseStatus
    let code: String
    let message: String
    /// Field-level problems, for forms and API clients.
    var violations: [Violation] = []

    var reason: String { message }
    var identifier: String { code }

    static func validation(_ failure: ValidationFailure) -> AppError {
        AppError(status: .unprocessableEntity, code: "validationFailed",
                 message: failure.violations.map(\.message).joined(separator: ";"),
                 violations: failure.violations)
    }

    static let notFound = AppError(status: .notFound, code: "notFound", message: "页面不存在,或您无权查看")
    static let loginRequired = AppError(status: .unauthorized, code: "loginRequired", message: "请先登录")
    static let forbidden = AppError(status: .forbidden, code: "forbidden", message: "您没有执行此操作的权限")
}
