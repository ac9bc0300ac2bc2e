print("kaohed")
