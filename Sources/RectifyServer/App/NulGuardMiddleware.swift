import NIOCore
import Vapor

/// Refuses text that carries U+0000. SQLite cut such text at the NUL (a narrative
/// stored as its first letter while its audit event kept the whole) and PostgreSQL
/// cannot store it at all, so no text with one is accepted anywhere: in the address,
/// in a JSON or form body, or in a multipart form's text fields. Uploaded files are
/// bytes and may hold anything.
struct NulGuardMiddleware: Middleware {
    static let refusal = AppError(status: .badRequest, code: "text.nul",
                                  message: "提交的文字中含有空字符(U+0000),无法保存:请删除后重新提交")

    /// Synchronous for a request without a text body (every GET); a body is read first.
    func respond(to req: Request, chainingTo next: any Responder) -> EventLoopFuture<Response> {
        // "%00" has no letters: no case to ignore.
        if req.url.string.contains("%00") { return req.eventLoop.makeFailedFuture(Self.refusal) }
        guard let type = req.headers.contentType, [.POST, .PUT, .PATCH].contains(req.method) else {
            return next.respond(to: req)
        }
        let isJSON = type.type == "application" && type.subType == "json"
        let isForm = type == .urlEncodedForm
        let isMultipart = type.type == "multipart" && type.subType == "form-data"
        guard isJSON || isForm || isMultipart else { return next.respond(to: req) }
        return req.eventLoop.makeFutureWithTask {
            guard let body = try await req.collectedBody() else { return }
            let bytes = body.readableBytesView
            if isJSON, bytes.contains(0) || Self.contains(bytes, "\\u0000") { throw Self.refusal }
            if isForm, bytes.contains(0) || Self.contains(bytes, "%00") { throw Self.refusal }
            if isMultipart, let boundary = type.parameters["boundary"], Self.textPartHasNul(bytes, boundary: boundary) {
                throw Self.refusal
            }
        }.flatMap { next.respond(to: req) }
    }

    /// Case-insensitive search for an ASCII needle.
    static func contains(_ bytes: ByteBufferView, _ needle: String) -> Bool {
        let n = Array(needle.lowercased().utf8)
        guard !n.isEmpty, bytes.count >= n.count else { return false }
        var i = bytes.startIndex
        let last = bytes.endIndex - n.count
        while i <= last {
            var j = 0
            while j < n.count, Self.lower(bytes[i + j]) == n[j] { j += 1 }
            if j == n.count { return true }
            i += 1
        }
        return false
    }

    static func lower(_ b: UInt8) -> UInt8 { (0x41...0x5A).contains(b) ? b + 32 : b }

    /// Whether a part without a file name (a text field) holds a NUL byte.
    static func textPartHasNul(_ bytes: ByteBufferView, boundary: String) -> Bool {
        let data = Array(bytes)
        let delimiter = Array(("--" + boundary).utf8)
        var parts: [ArraySlice<UInt8>] = []
        var start = 0
        var i = 0
        while i + delimiter.count <= data.count {
            if data[i] == delimiter[0], data[i..<(i + delimiter.count)].elementsEqual(delimiter) {
                if i > start { parts.append(data[start..<i]) }
                i += delimiter.count
                start = i
            } else {
                i += 1
            }
        }
        let separator: [UInt8] = [13, 10, 13, 10]
        for part in parts {
            guard let end = part.indices.first(where: { part[$0...].starts(with: separator) }) else { continue }
            let head = String(decoding: part[part.startIndex..<end], as: UTF8.self).lowercased()
            if head.contains("filename=") { continue }
            if part[(end + 4)...].contains(0) { return true }
        }
        return false
    }
}

extension Request {
    /// The whole body, read here up to the route's own limit if the route streams it
    /// (an upload route declares its limit with `Route.tooLarge`); an oversized body is 413.
    func collectedBody() async throws -> ByteBuffer? {
        if let data = body.data { return data }
        let limit = (route?.userInfo[Route.tooLargeKey] as? Route.TooLarge)?.bytes ?? application.routes.defaultMaxBodySize.value
        return try await body.collect(max: limit).get()
    }
}
