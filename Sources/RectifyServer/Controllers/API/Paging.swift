import Fluent
import Vapor

/// Every list of the API comes in pages: `page` (from 1) and `per` (default 50, at most 200).
typealias Paged<T: Content> = LedgerQuery.Page<T>

struct PageRequest {
    let page: Int
    let per: Int

    init(_ req: Request) {
        page = Swift.max((try? req.query.get(Int.self, at: "page")) ?? 1, 1)
        per = Swift.min(Swift.max((try? req.query.get(Int.self, at: "per")) ?? 50, 1), 200)
    }
}

extension QueryBuilder {
    /// One page of the query's rows, and how many there are in all.
    func page(_ req: Request) async throws -> (rows: [Model], page: Int, per: Int, total: Int) {
        let p = PageRequest(req)
        let total = try await copy().count()
        let rows = try await copy().range(lower: (p.page - 1) * p.per, upper: p.page * p.per).all()
        return (rows, p.page, p.per, total)
    }

    func paged<T: Content>(_ req: Request, _ transform: (Model) throws -> T) async throws -> Paged<T> {
        let p = try await page(req)
        return Paged(items: try p.rows.map(transform), page: p.page, per: p.per, total: p.total)
    }
}
