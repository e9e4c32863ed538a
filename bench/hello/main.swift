import Vapor

// The ceiling for bench/request-path.sh: Vapor answering "Hello, world!" with nothing
// else, built by the same script with the same compiler and flags as rectify.
let env = try Environment.detect()
let app = try await Application.make(env)
app.logger.logLevel = .error
app.get { _ in "Hello, world!" }
try await app.execute()
try await app.asyncShutdown()
