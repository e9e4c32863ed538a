import Vapor

extension Request {
    /// A form decoded as the API decodes JSON: empty fields count as absent, so an
    /// optional date left blank is nil rather than an unreadable date.
    func form<T: Decodable>(_ type: T.Type) throws -> T {
        let raw = body.string ?? ""
        let kept = raw.split(separator: "&").filter { pair in
            guard let eq = pair.firstIndex(of: "=") else { return false }
            return pair[pair.index(after: eq)...].isEmpty == false && !pair.hasPrefix("_csrf=")
        }.joined(separator: "&")
        do {
            return try URLEncodedFormDecoder().decode(T.self, from: kept)
        } catch {
            throw AppError(status: .unprocessableEntity, code: "badForm", message: "表单未填写完整或格式不对:\(Request.describe(error))")
        }
    }
}
