namespace ServerPower.KubectlPower.Cli;

/// <summary>The help texts: <c>kubectl power --help</c> and <c>kubectl power COMMAND --help</c>.</summary>
public static class Usage
{
    public const string Common = """
        Options for every command:
          --kubeconfig PATH        kubeconfig file (default: KUBECONFIG, then ~/.kube/config)
          --context NAME           kubeconfig context (default: the current context)
          -n, --namespace NS       namespace (default: the context's, else default)
          -h, --help               this text
        """;

    public const string Overview = """
        kubectl power: operate ServerPower objects (power.serverops.io).

        Usage:
          kubectl power restart NAME... [--wait] [--timeout 5m]   ask for one restart of each (a fresh token)
          kubectl power rebuild NAME... [--wait] [--timeout 5m]   ask for one rebuild of each (a fresh token)
          kubectl power wake NAME... | -l SELECTOR                wake each auto-stopped server (a fresh token)
          kubectl power start NAME... | -l SELECTOR               set spec.state to Running
          kubectl power stop NAME... | -l SELECTOR                set spec.state to Stopped
          kubectl power hold NAME Running|Stopped --for 2h        hold a state for a while (power.serverops.io/override)
          kubectl power release NAME...                           remove the hold
          kubectl power status [NAME] [-A] [-l SELECTOR]          one line per server, or one server in detail

        Run 'kubectl power COMMAND --help' for one command.
        """ + "\n\n" + Common + "\n";

    public static string For(string command) => command switch
    {
        "restart" or "rebuild" => $"""
            Usage: kubectl power {command} NAME... | -l SELECTOR [--wait] [--timeout DURATION]

            Sets annotation power.serverops.io/{command} on each ServerPower to one fresh token (the same for all
            of this call) and prints it. The operator sends exactly one {command} per new token.
              -l, --selector SELECTOR  every ServerPower whose labels match, instead of names
              --wait                   wait until each {command} is Done, Failed, Uncertain or Skipped; exit 0 only
                                       when all are Done
              --timeout DURATION       how long --wait waits (5m; at most 8760h)
            """ + "\n\n" + Common + "\n",
        "wake" => """
            Usage: kubectl power wake NAME... | -l SELECTOR

            Sets annotation power.serverops.io/wake on each ServerPower to one fresh token (the same for all of
            this call) and prints it. A server that spec.autoStop stopped is started once per new token, and its
            startupGrace begins again; status.wake records what became of the token.
              -l, --selector SELECTOR  every ServerPower whose labels match, instead of names
            """ + "\n\n" + Common + "\n",
        "start" or "stop" => $"""
            Usage: kubectl power {command} NAME... | -l SELECTOR

            Sets spec.state to {(command == "start" ? "Running" : "Stopped")} on each ServerPower.
              -l, --selector SELECTOR  every ServerPower whose labels match, instead of names
            """ + "\n\n" + Common + "\n",
        "hold" => """
            Usage: kubectl power hold NAME Running|Stopped --for DURATION

            Sets annotation power.serverops.io/override to "<state> until <now + DURATION, RFC 3339 UTC>":
            the server is kept in that state until then, whatever spec.state (or a schedule) says.
              --for DURATION           how long, e.g. 90m, 2h, 1h30m, at most 8760h (required)
            """ + "\n\n" + Common + "\n",
        "release" => """
            Usage: kubectl power release NAME...

            Removes annotation power.serverops.io/override: spec.state applies again.
            """ + "\n\n" + Common + "\n",
        "status" => """
            Usage: kubectl power status [NAME] [-A] [-l SELECTOR]

            Without NAME: one line per ServerPower with its provider, desired and effective state, power, Ready and
            Synced with their reasons, and the last action with its age; with spec.autoStop also the players the
            last activity read saw and how long the server has been idle. With NAME: that server's conditions,
            auto-stop, one-shots (restart, rebuild, wake), hold and history.
              -A, --all-namespaces     every namespace
              -l, --selector SELECTOR  only ServerPowers whose labels match
            """ + "\n\n" + Common + "\n",
        _ => Overview,
    };
}
