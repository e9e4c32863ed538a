import Foundation
import RectifyServer

// The executable stays thin: everything it does lives in RectifyServer, where tests reach it.
Rectify.runTasksOnEventLoops()
exit(await Rectify.main())
