import PackagePlugin
@main struct ScaffoldConnector: CommandPlugin {
    func performCommand(context: PluginContext, arguments: [String]) async throws {}
}
