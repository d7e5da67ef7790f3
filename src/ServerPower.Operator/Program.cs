Console.WriteLine("ServerPower Operator: host not built yet");
