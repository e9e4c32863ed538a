import Vapor

/// Every response, page or not (JSON, CSV, XLSX, evidence downloads, the HTML report,
/// error pages), carries the same protective headers: no type sniffing, no framing,
/// no referrer to other sites, and a content policy that runs only our own script.
/// A response that set its own policy keeps it.
struct SecurityHeadersMiddleware: Middleware {
    static let pagePolicy = "default-src 'self'; img-src 'self' data:; style-src 'self'; script-src 'self'; "
        + "form-action 'self'; frame-ancestors 'none'; base-uri 'none'"

    static let headers: [(String, String)] = [
        ("X-Content-Type-Options", "nosniff"),
        ("X-Frame-Options", "DENY"),
        ("Referrer-Policy", "same-origin"),
        ("Content-Security-Policy", pagePolicy),
    ]

    func respond(to req: Request, chainingTo next: any Responder) -> EventLoopFuture<Response> {
        next.respond(to: req).map { response in
            Self.apply(to: response)
            return response
        }
    }

    static func apply(to response: Response) {
        for (name, value) in headers where !response.headers.contains(name: name) {
            response.headers.add(name: name, value: value)
        }
    }
}
