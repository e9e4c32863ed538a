import Vapor

/// Every response, page or not (JSON, CSV, XLSX, evidence downloads, the HTML report,
/// error pages), carries the same protective headers: no type sniffing, no framing,
/// no referrer to other sites, and a content policy that runs only our own script.
/// A response that set its own policy keeps it.
struct SecurityHeadersMiddleware: AsyncMiddleware {
    static let pagePolicy = "default-src 'self'; img-src 'self' data:; style-src 'self'; script-src 'self'; "
        + "form-action 'self'; frame-ancestors 'none'; base-uri 'none'"

    func respond(to req: Request, chainingTo next: any AsyncResponder) async throws -> Response {
        let response = try await next.respond(to: req)
        Self.apply(to: response)
        return response
    }

    static func apply(to response: Response) {
        let h = response.headers
        var add: [(String, String)] = [
            ("X-Content-Type-Options", "nosniff"),
            ("X-Frame-Options", "DENY"),
            ("Referrer-Policy", "same-origin"),
            ("Content-Security-Policy", pagePolicy),
        ]
        add = add.filter { !h.contains(name: $0.0) }
        for (name, value) in add { response.headers.replaceOrAdd(name: name, value: value) }
    }
}
