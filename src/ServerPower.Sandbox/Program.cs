using ServerPower.Sandbox.Command;

return await SandboxCommand.RunAsync(args);
