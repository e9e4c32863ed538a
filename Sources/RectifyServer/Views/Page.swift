import Plot
import Vapor
import RectifyCore

/// Who is looking, as the page header shows it.
struct UserBadge {
    let displayName: String
    let roles: String

    init(_ user: User) {
        displayName = user.displayName
        roles = Role.allCases.filter(user.roles.contains).map(\.label).joined(separator: "、")
    }
}

/// A page: its title and body, rendered into the common layout.
protocol PageView {
    var title: String { get }
    var user: UserBadge? { get }
    var content: Node<HTML.BodyContext> { get }
}

extension PageView {
    func render() -> String {
        HTML(
            .lang(.chinese),
            .head(
                .encoding(.utf8),
                .viewport(.accordingToDevice),
                .title("\(title) · Rectify 督察整改"),
                .stylesheet(SiteURL.stylesheet.path)
            ),
            .body(
                .header(
                    .class("top"),
                    .a(.class("brand"), .href(SiteURL.home.path), .text("Rectify 督察整改")),
                    .unwrap(user) { user in
                        .div(
                            .class("who"),
                            .span(.text(user.displayName)),
                            .span(.class("roles"), .text(user.roles)),
                            .form(.action(SiteURL.logout.path), .method(.post),
                                  .button(.type(.submit), .text("退出登录")))
                        )
                    }
                ),
                .main(content)
            )
        ).render()
    }

    func response(status: HTTPResponseStatus = .ok) -> Response {
        var headers = HTTPHeaders()
        headers.contentType = .html
        headers.replaceOrAdd(name: .cacheControl, value: "no-store")
        return Response(status: status, headers: headers, body: .init(string: render()))
    }
}
