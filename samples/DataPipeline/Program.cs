Console.WriteLine("DataPipeline: not written yet");
