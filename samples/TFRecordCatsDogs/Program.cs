Console.WriteLine("TFRecordCatsDogs: not written yet");
