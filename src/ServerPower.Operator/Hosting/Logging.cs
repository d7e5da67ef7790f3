using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Console;

namespace ServerPower.Operator.Hosting;

/// <summary>Console logs: one line per entry with scopes (the object key), as text or JSON.</summary>
public static class Logging
{
    public static void Configure(ILoggingBuilder logging, string format)
    {
        logging.ClearProviders();
        if (format == "json")
        {
            logging.AddJsonConsole(o =>
            {
                o.IncludeScopes = true;
                o.TimestampFormat = "yyyy-MM-dd'T'HH:mm:ss.fff'Z'";
                o.UseUtcTimestamp = true;
            });
        }
        else
        {
            logging.AddSimpleConsole(o =>
            {
                o.SingleLine = true;
                o.IncludeScopes = true;
                o.TimestampFormat = "HH:mm:ss ";
                o.UseUtcTimestamp = true;
                o.ColorBehavior = LoggerColorBehavior.Disabled;
            });
        }
        logging.AddFilter("Microsoft.AspNetCore", LogLevel.Warning);
        // The host logs a failed start (a taken port) with its stack trace before throwing; Program prints that as one
        // line. Critical stays: a crashed background service is logged with its exception there.
        logging.AddFilter("Microsoft.Extensions.Hosting.Internal.Host", LogLevel.Critical);
        logging.AddFilter("System.Net.Http.HttpClient", LogLevel.Warning);
        logging.AddFilter("Polly", LogLevel.Warning);
    }
}
