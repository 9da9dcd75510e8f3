Console.WriteLine("QuickStart: not written yet");
