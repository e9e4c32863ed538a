import Vapor

/// Serves the stylesheet, which ships inside the binary: no CDN, no build chain.
enum AssetController {
    static func stylesheet(req: Request) -> Response {
        var headers = HTTPHeaders()
        headers.contentType = HTTPMediaType(type: "text", subType: "css", parameters: ["charset": "utf-8"])
        headers.cacheControl = .init(isPublic: true, maxAge: 3600)
        return Response(status: .ok, headers: headers, body: .init(string: Stylesheet.css))
    }

    static func script(req: Request) -> Response {
        var headers = HTTPHeaders()
        headers.contentType = HTTPMediaType(type: "text", subType: "javascript", parameters: ["charset": "utf-8"])
        headers.cacheControl = .init(isPublic: true, maxAge: 3600)
        return Response(status: .ok, headers: headers, body: .init(string: Script.js))
    }
}
