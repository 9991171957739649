print("portrait")
