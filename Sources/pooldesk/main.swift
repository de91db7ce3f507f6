import PoolDeskCLI

PoolDeskMain.run(arguments: Array(CommandLine.arguments.dropFirst()))
