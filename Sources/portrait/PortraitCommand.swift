public import ArgumentParser
import Foundation
import Logging
import PortraitConfig
import PortraitCore
import PortraitIdentity
import PortraitService

/// The `portrait` command line. Exit codes: 0 success, 1 runtime failure, 2 usage or configuration error.
@main
struct Portrait: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "portrait",
        abstract: "Portrait: customer-data integration hub. Connect silos, merge identities, keep profiles current.",
        discussion: """
            Exit codes: 0 success, 1 a runtime failure (a source, the store), 2 a usage or configuration error.
            The config file is ./portrait.yml unless --config or PORTRAIT_CONFIG says otherwise.
            """,
        version: "0.1.0",
        subcommands: [
            Init.self, Check.self, Connectors.self, Sync.self, Status.self, Quarantine.self, Export.self, Demo.self,
            MockCRMServer.self, Run.self, Identity.self, Profiles.self, Segments.self, Changes.self, Webhooks.self, Generate.self,
            Backup.self,
        ]
    )

    static func main() async {
        _ = Allocator.name
        do {
            var command = try parseAsRoot()
            if var asyncCommand = command as? any AsyncParsableCommand {
                try await asyncCommand.run()
            } else {
                try command.run()
            }
        } catch {
            Foundation.exit(report(error))
        }
    }

    /// Prints an error the way an operator should see it (no Swift types, no stack) and picks the exit code.
    static func report(_ error: any Error) -> Int32 {
        switch error {
        case let error as PortraitError:
            Terminal.error("error: \(error.message)")
            return error.exitCode
        case let error as ConfigError:
            Terminal.error("error: \(error.description)")
            return 2
        case let error as IdentityResolver.CorrectionError:
            // An unknown profile or record, or two ids of one profile: a runtime failure, said plainly.
            Terminal.error("error: \(error.description)")
            return 1
        case let error as ExitCode:
            return error.rawValue
        default:
            let code = exitCode(for: error)
            let message = fullMessage(for: error)
            if code == .success {
                if !message.isEmpty { print(message) }
                return 0
            }
            Terminal.error(message)
            return code == .validationFailure ? 2 : 1
        }
    }
}

/// `--log-level`, and the logger it configures (secrets masked).
struct LoggingOptions: ParsableArguments {
    @Option(help: "How much to log on standard error.")
    var logLevel: Logger.Level = .warning

    func logger(redactor: SecretRedactor = SecretRedactor()) -> Logger {
        logger(redactor: LiveRedactor(redactor))
    }

    /// A logger masking what `redactor` holds at each event (`portrait run` adds a reloaded config's secrets).
    func logger(redactor: LiveRedactor) -> Logger {
        var logger = Logger(label: "portrait") { label in
            RedactingLogHandler(wrapping: StreamLogHandler.standardError(label: label), redactor: redactor)
        }
        logger.logLevel = logLevel
        return logger
    }
}

/// Options every command that reads the config shares.
struct GlobalOptions: ParsableArguments {
    @Option(name: .shortAndLong, help: "Path of portrait.yml (default: $PORTRAIT_CONFIG or ./portrait.yml).")
    var config: String?

    @OptionGroup var logging: LoggingOptions

    var configFile: URL {
        Terminal.fileURL(config ?? ProcessInfo.processInfo.environment["PORTRAIT_CONFIG"] ?? HubConfig.defaultFileName)
    }

    func logger(redactor: SecretRedactor = SecretRedactor()) -> Logger {
        logging.logger(redactor: redactor)
    }

    func logger(redactor: LiveRedactor) -> Logger {
        logging.logger(redactor: redactor)
    }

    func openWorkspace() throws -> Workspace {
        try Workspace.open(configFile: configFile)
    }
}

extension Logger.Level: @retroactive ExpressibleByArgument {}
