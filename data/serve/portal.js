// portal
