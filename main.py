print("on the host kernel")
